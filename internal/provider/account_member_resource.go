package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var (
	_ resource.ResourceWithImportState      = (*accountMemberResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*accountMemberResource)(nil)
	_ resource.ResourceWithConfigValidators = (*accountMemberResource)(nil)
	_ resource.ResourceWithIdentity         = (*accountMemberResource)(nil)
)

// NewAccountMemberResource is the iam_account_member resource.
func NewAccountMemberResource() resource.Resource { return &accountMemberResource{} }

type accountMemberResource struct{ pd *providerData }

type accountMemberModel struct {
	ID        types.String `tfsdk:"id"`
	AccountID types.String `tfsdk:"account_id"`
	Email     types.String `tfsdk:"email"`
	Roles     idSet        `tfsdk:"roles"`
	Policies  types.Set    `tfsdk:"policies"`
	Status    types.String `tfsdk:"status"`
	User      types.Object `tfsdk:"user"`
}

var userAttrTypes = map[string]attr.Type{
	"id": types.StringType, "email": types.StringType, "first_name": types.StringType, "last_name": types.StringType,
	"two_factor_authentication_enabled": types.BoolType,
}

func (r *accountMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member"
}

func (r *accountMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A member of an account, with either roles or policies. Creating one sends an invitation " +
			"(`status = \"pending\"`) or, where the account is entitled to it, adds the user directly (`\"accepted\"`). " +
			"An invitation accepted later is not drift.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The member's ID, issued by the API.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Account of the member; defaults to the provider's `account_id`. Changing it replaces the member.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{accountIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address of the member, at most 90 characters. Emails are compared without regard to letter case: two members of one configuration whose emails differ only in case fail at plan. A difference only in letter case from what the API holds is not drift; changing only the case in the configuration is recorded without any request, any other change replaces the member.",
				Required:            true,
				Validators:          []validator.String{emailValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
					resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
				}, "Changing the email (other than its case) replaces the member.", "Changing the email (other than its case) replaces the member.")},
			},
			"roles": schema.SetAttribute{
				MarkdownDescription: "IDs of account roles (look them up with the `iam_roles` data source). Exactly one of `roles` and `policies`.",
				Optional:            true,
				ElementType:         types.StringType,
				CustomType:          idSetOfStrings,
				Validators:          []validator.Set{nonEmptyRolesValidator{}, setvalidator.ValueStringsAre(hexIDValidator("a role ID"))},
			},
			"policies": memberPoliciesSchema(),
			"status": schema.StringAttribute{
				MarkdownDescription: "`pending` (default) sends an invitation; `accepted` adds the user directly, which the API allows " +
					"only for entitled accounts. When an invitation is accepted later, the state keeps `pending`: it is not drift. " +
					"The API cannot change the status of an existing member: changing it to `accepted` is accepted only once the " +
					"invitation was accepted (otherwise the plan fails and says to replace the member), and never re-invites anyone. " +
					"When the invitation was declined or expired (the API reports `rejected`), a configured `status` makes the plan replace " +
					"the member, which sends a new invitation, with a warning that says so; without `status` in the configuration the plan " +
					"only warns.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf("pending", "accepted")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user": schema.SingleNestedAttribute{
				MarkdownDescription: "The user behind the membership, as the API reports it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"id":                                schema.StringAttribute{Computed: true, MarkdownDescription: "User ID."},
					"email":                             schema.StringAttribute{Computed: true, MarkdownDescription: "User's email."},
					"first_name":                        schema.StringAttribute{Computed: true, MarkdownDescription: "First name."},
					"last_name":                         schema.StringAttribute{Computed: true, MarkdownDescription: "Last name."},
					"two_factor_authentication_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has 2FA on."},
				},
			},
		},
	}
}

func (r *accountMemberResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("roles"), path.MatchRoot("policies"))}
}

func (r *accountMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = memberIdentity.schema()
}

func (r *accountMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *accountMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyPlanAccountID(ctx, r.pd, req, resp)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var email types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("email"), &email)...)
	accountID := plannedAccountID(ctx, resp)
	r.checkEmailUnique(accountID, email, resp)
	if !r.replaceDeadInvitation(ctx, req, resp) {
		r.checkStatusChange(ctx, req, resp)
	}
	r.warnManagedTwice(accountID, email, resp)
	if !unchangedSincePrior(req, "roles") {
		planned, prior := setAttrs[idSet](ctx, req, "roles", &resp.Diagnostics)
		if !resp.Diagnostics.HasError() && !planned.IsUnknown() {
			r.pd.checkCatalogIDs(ctx, plannedAccountID(ctx, resp), catalogRoles, path.Root("roles"),
				newIDs(knownStrings(planned), knownStrings(prior)), &resp.Diagnostics)
		}
	}
	r.pd.checkPolicyIDs(ctx, req, resp)
}

// checkEmailUnique fails the plan of a member whose email another member of this configuration
// has in another letter case: the API compares emails without regard to case, so the second create
// would fail half-way through the apply.
func (r *accountMemberResource) checkEmailUnique(accountID string, email types.String, resp *resource.ModifyPlanResponse) {
	if r.pd == nil || resp.Diagnostics.HasError() || email.IsUnknown() || email.IsNull() || accountID == "" {
		return
	}
	if other := r.pd.plans.claimEmail(accountID, email.ValueString()); other != "" {
		resp.Diagnostics.AddAttributeError(path.Root("email"), "Duplicate Account Member Email",
			fmt.Sprintf("Another iam_account_member in this configuration has the email %q in account %s. Emails are compared "+
				"without regard to letter case, so %q and %q are the same person, and the second one would fail at apply. "+
				"Declare each person once.", other, accountID, other, email.ValueString()))
	}
}

// replaceDeadInvitation handles a member whose invitation was declined or expired (status
// "rejected", or any status other than pending and accepted): the person is not in the account, the
// API cannot invite them again while the member exists, and no update changes a status. With
// `status` configured, the plan replaces the member (removing it, and sending a new invitation), and
// a warning says why; otherwise the plan keeps it and the warning says how to invite again. It
// reads nothing: the refresh brought the status into the state.
func (r *accountMemberResource) replaceDeadInvitation(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return false
	}
	var config, state, email types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &state)...)
	if resp.Diagnostics.HasError() || state.IsNull() || state.IsUnknown() || slices.Contains([]string{"pending", "accepted"}, state.ValueString()) {
		return false // the usual case reads one attribute
	}
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("status"), &config)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("email"), &email)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	if config.IsNull() || config.IsUnknown() {
		resp.Diagnostics.AddAttributeWarning(path.Root("status"), "Invitation Rejected Or Expired",
			fmt.Sprintf("Member %s has status %q: the invitation was declined or expired, so the person has no access, and the API "+
				"cannot invite the email again while this member exists. To invite them again, set `status = \"pending\"` (the plan "+
				"then replaces the member) or run terraform apply -replace=<resource address>.", email.ValueString(), state.ValueString()))
		return true
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("status"))
	resp.Diagnostics.AddAttributeWarning(path.Root("status"), "Invitation Rejected Or Expired",
		fmt.Sprintf("Member %s has status %q: the invitation was declined or expired, and the API cannot change a member's status. "+
			"This plan replaces the member to reach status %q: it removes the member from the account (and from its user groups, "+
			"which the memberships of this configuration then set again) and creates it anew, which sends a new invitation.",
			email.ValueString(), state.ValueString(), config.ValueString()))
	return true
}

// warnManagedTwice warns when an iam_account_members of the same configuration manages this person too.
func (r *accountMemberResource) warnManagedTwice(accountID string, email types.String, resp *resource.ModifyPlanResponse) {
	if r.pd == nil || resp.Diagnostics.HasError() || email.IsUnknown() || email.IsNull() || accountID == "" {
		return
	}
	if r.pd.plans.claim(accountID, email.ValueString(), singleMemberType) != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("email"), "Account Member Managed Twice",
			managedTwiceDetail(accountID, []string{email.ValueString()}))
	}
	if r.pd.plans.outsideExclusive(accountID, email.ValueString()) {
		resp.Diagnostics.AddAttributeWarning(path.Root("email"), "Account Member Outside An Exclusive iam_account_members",
			outsideExclusiveDetail(accountID, []string{email.ValueString()}))
	}
}

// checkStatusChange fails the plan when `status` is changed to "accepted" on a member whose
// invitation is still pending: the API has no way to change a status, and silently replacing the
// member (removing someone from the account to re-add them) is not what such an edit means. It
// costs one read, only when the configured status differs from the state.
func (r *accountMemberResource) checkStatusChange(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || r.pd == nil || resp.Diagnostics.HasError() {
		return
	}
	// Only the configured status decides whether there is anything to check: read that attribute
	// alone (every plan of every member comes here), the whole state only when it says "accepted".
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("status"), &configured)...)
	if resp.Diagnostics.HasError() || configured.ValueString() != "accepted" {
		return
	}
	var state accountMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Status.ValueString() == "accepted" {
		return
	}
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	mem, err := r.pd.cache.Member(ctx, r.pd.client, accountID, state.ID.ValueString())
	if errors.Is(err, client.ErrNotFound) {
		return // gone: the plan re-creates it with the configured status
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read account member "+state.ID.ValueString(), err)
		return
	}
	if mem.Status != "accepted" {
		resp.Diagnostics.AddAttributeError(path.Root("status"), "Cannot change the status of an existing member",
			fmt.Sprintf("Member %s (%s) has status %q and the API cannot change a member's status. To add the user directly "+
				"instead, replace the member: terraform apply -replace=<resource address>. Otherwise keep status = %q.",
				state.ID.ValueString(), mem.Email, mem.Status, state.Status.ValueString()))
	}
}

// apply copies an API answer into the model. Roles come from the answer only when it has them
// (the create answer is reported to leave them out; then the planned roles stand).
func (m *accountMemberModel) apply(accountID string, mem *client.Member, fromCreate bool) {
	m.ID = types.StringValue(mem.ID)
	m.AccountID = types.StringValue(accountID)
	if !strings.EqualFold(m.Email.ValueString(), mem.Email) {
		m.Email = types.StringValue(mem.Email)
	}
	if !fromCreate || len(mem.Roles) > 0 {
		if len(mem.Roles) > 0 || !m.Roles.IsNull() {
			ids := make([]string, 0, len(mem.Roles))
			for _, r := range mem.Roles {
				ids = append(ids, r.ID)
			}
			m.Roles = idSetOf(ids)
			if len(ids) == 0 {
				m.Roles = idSetNull()
			}
		}
		m.Policies = policiesFromAPI(m.Policies, mem.Policies)
	}
	// A pending invitation that was accepted stays "pending" in state: the desired invitation happened.
	if m.Status.ValueString() != "pending" || mem.Status != "accepted" {
		m.Status = types.StringValue(mem.Status)
	}
	m.User = userValue(mem)
}

// userValue is the `user` of a member (of the resource and the data source).
func userValue(mem *client.Member) types.Object {
	user := map[string]attr.Value{"id": types.StringValue(""), "email": types.StringValue(mem.Email), "first_name": types.StringValue(""),
		"last_name": types.StringValue(""), "two_factor_authentication_enabled": types.BoolValue(false)}
	if u := mem.User; u != nil {
		user = map[string]attr.Value{"id": types.StringValue(u.ID), "email": types.StringValue(u.Email), "first_name": types.StringValue(u.FirstName),
			"last_name": types.StringValue(u.LastName), "two_factor_authentication_enabled": types.BoolValue(u.TwoFactorAuthenticationEnabled)}
	}
	return types.ObjectValueMust(userAttrTypes, user)
}

func (r *accountMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan accountMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	accountID := r.pd.resolveAccountID(plan.AccountID, &resp.Diagnostics)
	in := client.MemberCreate{Email: plan.Email.ValueString(), Status: plan.Status.ValueString()}
	if !plan.Policies.IsNull() {
		in.Policies = policiesToInput(ctx, plan.Policies, &resp.Diagnostics)
	} else {
		in.Roles = memberIDs(ctx, plan.Roles, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Status.IsUnknown() {
		plan.Status = types.StringValue("pending")
		in.Status = "pending"
	}
	in.Guard = r.pd.createGuard(ctx, accountID, true, in.Email)
	mem, err := r.pd.client.Members.Create(ctx, accountID, in)
	r.pd.cache.InvalidateMembers(accountID)
	if errors.Is(err, client.ErrAlreadyExists) || errors.Is(err, client.ErrNotAdopted) {
		addCreateConflict(&resp.Diagnostics, path.Root("email"), "Account member already exists", accountID,
			"a member with email "+in.Email, accountID+"/"+in.Email, err)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot add account member "+in.Email, err)
		return
	}
	r.pd.cache.NoteCreated(mem.ID)
	r.pd.cache.presence.note(accountID, true, in.Email, mem.ID)
	plan.apply(accountID, mem, true)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(memberIdentity.set(ctx, resp.Identity, accountID, mem.ID)...)
}

func (r *accountMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state accountMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is set before the read: the framework wants one even when the member is gone.
	resp.Diagnostics.Append(memberIdentity.set(ctx, resp.Identity, accountID, state.ID.ValueString())...)
	mem, err := r.pd.cache.Member(ctx, r.pd.client, accountID, state.ID.ValueString())
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read account member "+state.ID.ValueString(), err)
		return
	}
	refreshed := state
	refreshed.apply(accountID, mem, false)
	setStateIfChanged(ctx, &resp.State, &state, &refreshed, &resp.Diagnostics)
}

func (r *accountMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state accountMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(plan.AccountID, &resp.Diagnostics)
	var in client.MemberUpdate
	if !plan.Policies.IsNull() {
		in.Policies = policiesToInput(ctx, plan.Policies, &resp.Diagnostics)
	} else {
		in.Roles = memberIDs(ctx, plan.Roles, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Roles.Equal(state.Roles) && plan.Policies.Equal(state.Policies) {
		// Only the email's letter case or the status changed: the API stores neither change
		// (emails are case-insensitive, status cannot be set), so there is nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(memberIdentity.set(ctx, resp.Identity, accountID, state.ID.ValueString())...)
		return
	}
	mem, err := r.pd.client.Members.Update(ctx, accountID, state.ID.ValueString(), in)
	r.pd.cache.InvalidateMembers(accountID)
	if err != nil {
		addUpdateError(&resp.Diagnostics, "Cannot update account member "+state.ID.ValueString(), err)
		return
	}
	plan.apply(accountID, mem, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(memberIdentity.set(ctx, resp.Identity, accountID, mem.ID)...)
}

func (r *accountMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state accountMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.pd.client.Members.Delete(ctx, accountID, state.ID.ValueString())
	r.pd.cache.InvalidateMembers(accountID)
	if err == nil || errors.Is(err, client.ErrNotFound) {
		r.pd.cache.presence.note(accountID, true, state.Email.ValueString(), "")
	}
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Cannot remove account member "+state.ID.ValueString(), err)
	}
}

// ImportState accepts the member's ID or email.
func (r *accountMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importState(ctx, r.pd, req, resp, memberIdentity, []string{"<account_id>/<member_id>", "<account_id>/<email>"}, func(ctx context.Context, id importID) (string, error) {
		if id.IsHexID {
			return id.Key, nil
		}
		if !strings.Contains(id.Key, "@") {
			return "", id.invalid("the part after the account ID is neither a member ID nor an email")
		}
		m, err := r.pd.client.Members.FindByEmail(ctx, id.AccountID, id.Key)
		if err != nil {
			return "", fmt.Errorf("looking up the member with email %s in account %s: %w", id.Key, id.AccountID, err)
		}
		return m.ID, nil
	})
}
