package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var (
	_ resource.ResourceWithImportState = (*membershipResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*membershipResource)(nil)
	_ resource.ResourceWithIdentity    = (*membershipResource)(nil)
)

// NewUserGroupMembershipResource is the iam_user_group_membership resource.
func NewUserGroupMembershipResource() resource.Resource { return &membershipResource{} }

type membershipResource struct{ pd *providerData }

type membershipModel struct {
	ID          types.String `tfsdk:"id"`
	AccountID   types.String `tfsdk:"account_id"`
	UserGroupID types.String `tfsdk:"user_group_id"`
	Members     idSet        `tfsdk:"members"`
	Exclusive   types.Bool   `tfsdk:"exclusive"`
	ToRemove    types.Set    `tfsdk:"members_to_remove"`
}

func (r *membershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_group_membership"
}

func (r *membershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Which account members sit in a user group. By default the set is authoritative: every change " +
			"is applied with one request that replaces the whole set, refresh reads every page and shows members added " +
			"elsewhere as drift, and destroy empties the group. With `exclusive = false` only the listed members are " +
			"added and removed; members managed elsewhere are never touched. A failed or partial read is an error, " +
			"never an empty set, so no apply can empty a group by accident.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user group's ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Account of the group; defaults to the provider's `account_id`. Changing it replaces the resource.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{accountIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"user_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the user group. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{hexIDValidator("a user group ID")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"members": schema.SetAttribute{
				MarkdownDescription: "IDs of account members (`iam_account_member.<name>.id`). A set: order never matters. May be empty.",
				Required:            true,
				ElementType:         types.StringType,
				CustomType:          idSetOfStrings,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(hexIDValidator("an account member ID"))},
			},
			"exclusive": schema.BoolAttribute{
				MarkdownDescription: "`true` (default): `members` is the whole set of the group. `false`: only these members " +
					"are managed; others in the group are left alone and not shown as drift.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"members_to_remove": schema.SetAttribute{
				MarkdownDescription: "Computed at plan: emails of the members this apply removes from the group although this " +
					"resource did not manage them, so that the plan names them. They are the members already in the group when a new " +
					"exclusive membership takes it over, or those added by others while `exclusive` was `false` when it turns `true`; " +
					"members this resource managed and no longer lists show in the `members` diff instead. Every plan that removes " +
					"anyone also warns with the emails of everyone it removes. The apply refuses to remove anyone the plan did not name. " +
					"Empty after the next refresh.",
				Computed:    true,
				ElementType: types.StringType,
			},
		},
	}
}

func (r *membershipResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = membershipIdentity.schema()
}

func (r *membershipResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *membershipResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyPlanAccountID(ctx, r.pd, req, resp)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() || r.pd == nil {
		return
	}
	accountID := plannedAccountID(ctx, resp)
	planned, prior := setAttrs[idSet](ctx, req, "members", &resp.Diagnostics)
	if resp.Diagnostics.HasError() || accountID == "" {
		return
	}
	if !planned.IsUnknown() {
		r.pd.checkMembersExist(ctx, accountID, newIDs(knownStrings(planned), knownStrings(prior)), &resp.Diagnostics)
	}
	var groupID, priorGroupID types.String
	var exclusive, priorExclusive types.Bool
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("user_group_id"), &groupID)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("exclusive"), &exclusive)...)
	isNew := req.State.Raw.IsNull()
	if !isNew {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("exclusive"), &priorExclusive)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_group_id"), &priorGroupID)...)
	}
	unchanged := !isNew && planned.Equal(prior) && exclusive.Equal(priorExclusive) && groupID.Equal(priorGroupID)
	if resp.Diagnostics.HasError() {
		return
	}
	// The group's ID is unknown at plan when the group is created in the same apply: then it has no
	// members yet. An existing group is read when this plan may remove members the resource never
	// managed (a new exclusive membership, or exclusive turned on); a new additive membership only
	// checks that the group exists.
	gid := groupID.ValueString()
	if !groupID.IsUnknown() && !exclusive.IsUnknown() {
		if other := r.pd.plans.claimGroup(accountID, gid, exclusive.ValueBool(), knownStrings(planned)); other != "" {
			resp.Diagnostics.AddAttributeError(path.Root("exclusive"), "Conflicting User Group Memberships",
				fmt.Sprintf("User group %s is managed by this iam_user_group_membership (exclusive = %t) and by another one in this "+
					"configuration (%s). The exclusive one removes the other's members on every apply and the other adds them back, "+
					"so they would never converge. Manage the group with one exclusive membership, or set exclusive = false on every "+
					"membership of the group.", gid, exclusive.ValueBool(), other))
			return
		}
	}
	var live []client.GroupMember
	if !groupID.IsUnknown() && !groupID.IsNull() && !r.pd.cache.Created(gid) {
		switch {
		case exclusive.ValueBool() && (isNew || !priorExclusive.ValueBool()):
			var ok bool
			if live, ok = r.readGroupForPlan(ctx, accountID, gid, isNew, &resp.Diagnostics); !ok {
				return
			}
		case isNew:
			_, err := r.pd.cache.Group(ctx, r.pd.client, accountID, gid)
			if errors.Is(err, client.ErrNotFound) {
				addGroupNotFound(&resp.Diagnostics, accountID, gid)
			} else if err != nil {
				addAPIError(&resp.Diagnostics, "Cannot read user group "+gid, err)
			}
		}
	}
	r.planRemovals(ctx, req, resp, accountID, gid, exclusive, live, planned, prior, unchanged)
}

// memberIDs reads a set of member IDs, sorted.
func memberIDs(ctx context.Context, set idSet, diags *diag.Diagnostics) []string {
	ids := []string{}
	if !set.IsNull() && !set.IsUnknown() {
		diags.Append(set.ElementsAs(ctx, &ids, false)...)
	}
	slices.Sort(ids)
	return ids
}

// write applies the change from prior to planned members: one PUT of the whole set when
// exclusive, else one POST of the added members and one DELETE per removed member.
func (r *membershipResource) write(ctx context.Context, accountID, groupID string, exclusive bool, prior, planned []string, opts ...client.RequestOption) error {
	if exclusive {
		_, err := r.pd.client.GroupMembers.Update(ctx, accountID, groupID, planned, opts...)
		return err
	}
	var added []string
	for _, id := range planned {
		if !slices.Contains(prior, id) {
			added = append(added, id)
		}
	}
	if len(added) > 0 {
		if _, err := r.pd.client.GroupMembers.Create(ctx, accountID, groupID, added, opts...); err != nil {
			return err
		}
	}
	for _, id := range prior {
		if !slices.Contains(planned, id) {
			if err := r.pd.client.GroupMembers.Delete(ctx, accountID, groupID, id, opts...); err != nil && !errors.Is(err, client.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

func (r *membershipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan membershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	accountID := r.pd.resolveAccountID(plan.AccountID, &resp.Diagnostics)
	planned := memberIDs(ctx, plan.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := plan.UserGroupID.ValueString()
	if plan.Exclusive.ValueBool() && !r.pd.cache.Created(groupID) {
		r.checkNoUnplannedRemoval(ctx, accountID, groupID, nil, planned, plan.ToRemove, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	// The group is often created in the same apply, and the API has been reported to answer 404 on
	// a new group's members for a short while: retry 404 here (and in a refresh, once the group is
	// known to exist: see readMembers) with the usual backoff.
	if err := r.write(ctx, accountID, groupID, plan.Exclusive.ValueBool(), nil, planned, client.RetryNotFound()); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot set the members of user group "+groupID, err)
		return
	}
	plan.ID = types.StringValue(groupID)
	plan.AccountID = types.StringValue(accountID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(membershipIdentity.set(ctx, resp.Identity, accountID, groupID)...)
}

func (r *membershipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state membershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := state.UserGroupID.ValueString()
	if groupID == "" { // after import only id is known
		groupID = state.ID.ValueString()
	}
	// The identity is set before the read: the framework wants one even when the group is gone.
	resp.Diagnostics.Append(membershipIdentity.set(ctx, resp.Identity, accountID, groupID)...)
	members, repeated, err := r.readMembers(ctx, accountID, groupID)
	if errors.Is(err, errGroupGone) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil { // never an empty set: an apply from it could empty the group
		addAPIError(&resp.Diagnostics, "Cannot read the members of user group "+groupID, err)
		return
	}
	addRepeatedWarnings(&resp.Diagnostics, repeated)
	remote := make([]string, 0, len(members))
	for _, m := range members {
		remote = append(remote, m.ID)
	}
	refreshed := state
	if refreshed.Exclusive.IsNull() {
		refreshed.Exclusive = types.BoolValue(true)
	}
	if !refreshed.Exclusive.ValueBool() { // additive: only what this resource manages
		prior := idLookup(knownStrings(state.Members))
		remote = slices.DeleteFunc(remote, func(id string) bool { return !prior[id] })
	}
	refreshed.ID = types.StringValue(groupID)
	refreshed.UserGroupID = types.StringValue(groupID)
	refreshed.AccountID = types.StringValue(accountID)
	refreshed.Members = idSetOf(remote)
	refreshed.ToRemove = idSetOf(nil).SetValue // names what one plan removes; cleared once read back
	setStateIfChanged(ctx, &resp.State, &state, &refreshed, &resp.Diagnostics)
}

// errGroupGone is readMembers' answer when the group itself no longer exists.
var errGroupGone = errors.New("the user group does not exist")

// readMembers lists the group's members for a refresh. A "not found" from /members alone does not
// mean the group is gone: the API has been reported to answer it for a short while after a group
// is created. The group itself is read to decide: gone, it is errGroupGone; still there, the
// listing is read again with 404 retried (the known short window), and a 404 after that is an
// error, never an empty set.
func (r *membershipResource) readMembers(ctx context.Context, accountID, groupID string) ([]client.GroupMember, []*client.RepeatedWarning, error) {
	members, repeated, err := client.CollectWarnings(r.pd.client.GroupMembers.List(ctx, accountID, groupID))
	if !errors.Is(err, client.ErrNotFound) {
		return members, repeated, err
	}
	if _, gerr := r.pd.client.UserGroups.Get(ctx, accountID, groupID); errors.Is(gerr, client.ErrNotFound) {
		return nil, nil, errGroupGone
	} else if gerr != nil {
		return nil, nil, gerr
	}
	members, repeated, err = client.CollectWarnings(r.pd.client.GroupMembers.List(ctx, accountID, groupID, client.RetryNotFound()))
	if errors.Is(err, client.ErrNotFound) {
		return nil, nil, fmt.Errorf("user group %s exists, but its members still answer \"not found\" after the retries "+
			"(the API does so for a short while after a group is created; run again in a minute): %v", groupID, err)
	}
	return members, repeated, err
}

func (r *membershipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state membershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(plan.AccountID, &resp.Diagnostics)
	planned := memberIDs(ctx, plan.Members, &resp.Diagnostics)
	prior := memberIDs(ctx, state.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := plan.UserGroupID.ValueString()
	if plan.Exclusive.ValueBool() {
		r.checkNoUnplannedRemoval(ctx, accountID, groupID, prior, planned, plan.ToRemove, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if err := r.write(ctx, accountID, groupID, plan.Exclusive.ValueBool(), prior, planned); err != nil {
		addUpdateError(&resp.Diagnostics, "Cannot change the members of user group "+groupID, err)
		return
	}
	plan.ID = types.StringValue(groupID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(membershipIdentity.set(ctx, resp.Identity, accountID, groupID)...)
}

// Delete empties the group when exclusive; in additive mode it removes only its own members.
func (r *membershipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state membershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	prior := memberIDs(ctx, state.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := state.UserGroupID.ValueString()
	if state.Exclusive.ValueBool() { // emptying the group must not take out members the destroy plan did not show
		r.checkNoUnplannedRemoval(ctx, accountID, groupID, prior, nil, idSetOf(nil).SetValue, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	err := r.write(ctx, accountID, groupID, state.Exclusive.ValueBool(), prior, []string{})
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Cannot remove the members of user group "+groupID, err)
	}
}

// ImportState takes <account_id>/<user_group_id>; the imported resource is exclusive.
func (r *membershipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importState(ctx, r.pd, req, resp, membershipIdentity, []string{"<account_id>/<user_group_id>"}, func(_ context.Context, id importID) (string, error) {
		if !id.IsHexID {
			return "", id.invalid("the user group ID must be 32 lowercase hexadecimal characters")
		}
		return id.Key, nil
	})
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("exclusive"), types.BoolValue(true))...)
}
