package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var (
	_ resource.ResourceWithImportState = (*userGroupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userGroupResource)(nil)
	_ resource.ResourceWithIdentity    = (*userGroupResource)(nil)
)

// NewUserGroupResource is the iam_user_group resource.
func NewUserGroupResource() resource.Resource { return &userGroupResource{} }

type userGroupResource struct{ pd *providerData }

type userGroupModel struct {
	ID         types.String `tfsdk:"id"`
	AccountID  types.String `tfsdk:"account_id"`
	Name       types.String `tfsdk:"name"`
	Policies   types.Set    `tfsdk:"policies"`
	CreatedOn  types.String `tfsdk:"created_on"`
	ModifiedOn types.String `tfsdk:"modified_on"`
}

var userGroupImportFormats = []string{"<account_id>/<user_group_id>", "<account_id>/<name>"}

func (r *userGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_group"
}

func (r *userGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An IAM user group of an account: a name and the policies its members receive. " +
			"Members are attached with `iam_user_group_membership`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The group's ID, issued by the API.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Account of the group; defaults to the provider's `account_id`. Changing it replaces the group.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{accountIDValidator()},
				// UseStateForUnknown first: an unknown account_id (the provider default, marked unknown by
				// an unrelated change) must not read as a change that forces replacement.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the group, unique in the account: 1 to 255 characters (letters, not bytes), not only spaces. Renaming updates the group in place.",
				Required:            true,
				Validators:          groupNameValidators(),
			},
			"policies": policiesSchema("the group's members"),
			"created_on": schema.StringAttribute{
				MarkdownDescription: "When the group was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"modified_on": schema.StringAttribute{
				MarkdownDescription: "When the group was last changed (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (r *userGroupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = groupIdentity.schema()
}

func (r *userGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *userGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyPlanAccountID(ctx, r.pd, req, resp)
	if !resp.Diagnostics.HasError() {
		r.pd.checkPolicyIDs(ctx, req, resp)
	}
}

// apply copies an API answer into the model, keeping the prior shape of an empty policy set.
func (m *userGroupModel) apply(accountID string, g *client.UserGroup) {
	m.ID = types.StringValue(g.ID)
	m.AccountID = types.StringValue(accountID)
	m.Name = types.StringValue(g.Name)
	m.Policies = policiesFromAPI(m.Policies, g.Policies)
	m.CreatedOn = types.StringValue(g.CreatedOn.UTC().Format(time.RFC3339))
	m.ModifiedOn = types.StringValue(g.ModifiedOn.UTC().Format(time.RFC3339))
}

func (r *userGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	accountID := r.pd.resolveAccountID(plan.AccountID, &resp.Diagnostics)
	policies := policiesToInput(ctx, plan.Policies, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	guard := r.pd.createGuard(ctx, accountID, false, plan.Name.ValueString())
	g, err := r.pd.client.UserGroups.Create(ctx, accountID, client.UserGroupCreate{Name: plan.Name.ValueString(), Policies: policies, Guard: guard})
	r.pd.cache.InvalidateGroups(accountID)
	if errors.Is(err, client.ErrAlreadyExists) || errors.Is(err, client.ErrNotAdopted) {
		addCreateConflict(&resp.Diagnostics, path.Root("name"), "User group already exists", accountID,
			fmt.Sprintf("a group named %q", plan.Name.ValueString()), accountID+"/"+plan.Name.ValueString(), err)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create user group "+plan.Name.ValueString(), err)
		return
	}
	r.pd.cache.NoteCreated(g.ID)
	r.pd.cache.presence.note(accountID, false, g.Name, g.ID)
	plan.apply(accountID, g)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(groupIdentity.set(ctx, resp.Identity, accountID, g.ID)...)
}

func (r *userGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is set before the read: the framework wants one even when the group is gone.
	resp.Diagnostics.Append(groupIdentity.set(ctx, resp.Identity, accountID, state.ID.ValueString())...)
	g, err := r.pd.cache.Group(ctx, r.pd.client, accountID, state.ID.ValueString())
	if errors.Is(err, client.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read user group "+state.ID.ValueString(), err)
		return
	}
	refreshed := state
	refreshed.apply(accountID, g)
	setStateIfChanged(ctx, &resp.State, &state, &refreshed, &resp.Diagnostics)
}

func (r *userGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(plan.AccountID, &resp.Diagnostics)
	in := client.UserGroupUpdate{}
	if !plan.Name.Equal(state.Name) {
		name := plan.Name.ValueString()
		in.Name = &name
	}
	if !plan.Policies.Equal(state.Policies) {
		policies := policiesToInput(ctx, plan.Policies, &resp.Diagnostics)
		in.Policies = &policies
	}
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := r.pd.client.UserGroups.Update(ctx, accountID, state.ID.ValueString(), in)
	r.pd.cache.InvalidateGroups(accountID)
	if err != nil {
		addUpdateError(&resp.Diagnostics, "Cannot update user group "+state.ID.ValueString(), err)
		return
	}
	if in.Name != nil {
		r.pd.cache.presence.note(accountID, false, state.Name.ValueString(), "")
		r.pd.cache.presence.note(accountID, false, g.Name, g.ID)
	}
	plan.apply(accountID, g)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(groupIdentity.set(ctx, resp.Identity, accountID, g.ID)...)
}

func (r *userGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.pd.client.UserGroups.Delete(ctx, accountID, state.ID.ValueString())
	r.pd.cache.InvalidateGroups(accountID)
	if err == nil || errors.Is(err, client.ErrNotFound) {
		r.pd.cache.presence.note(accountID, false, state.Name.ValueString(), "")
	}
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Cannot delete user group "+state.ID.ValueString(), err)
	}
}

// ImportState accepts the group's ID or its exact name.
func (r *userGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importState(ctx, r.pd, req, resp, groupIdentity, userGroupImportFormats, func(ctx context.Context, id importID) (string, error) {
		if id.IsHexID {
			return id.Key, nil
		}
		g, err := r.pd.client.UserGroups.FindByName(ctx, id.AccountID, id.Key)
		if errors.Is(err, client.ErrNotFound) {
			return "", r.noGroupNamed(ctx, id)
		}
		if err != nil {
			return "", fmt.Errorf("looking up a group named %q in account %s: %w", id.Key, id.AccountID, err)
		}
		return g.ID, nil
	})
}

// noGroupNamed is the import error for a name no group has: the import ID was well formed, so
// it lists the names that exist (the forms only when the name holds a "/" and may be a misspelt
// account part).
func (r *userGroupResource) noGroupNamed(ctx context.Context, id importID) error {
	groups, err := client.Collect(r.pd.client.UserGroups.List(ctx, id.AccountID, client.UserGroupListOptions{}))
	if err != nil {
		return fmt.Errorf("no user group in account %s is named %q, and listing the groups that exist failed: %w", id.AccountID, id.Key, err)
	}
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		names = append(names, fmt.Sprintf("%q", g.Name))
	}
	sort.Strings(names)
	const shown = 50
	existing := "The account has no user groups."
	switch {
	case len(names) > shown:
		existing = fmt.Sprintf("Existing names: %s and %d more (the iam_user_groups data source lists them all).",
			strings.Join(names[:shown], ", "), len(names)-shown)
	case len(names) > 0:
		existing = "Existing names: " + strings.Join(names, ", ") + "."
	}
	msg := fmt.Sprintf("No user group in account %s is named %q (names are exact and case-sensitive). %s", id.AccountID, id.Key, existing)
	if strings.Contains(id.Key, "/") {
		msg += fmt.Sprintf("\n\nExpected one of: %s (read as account %s and name %q).", strings.Join(userGroupImportFormats, ", "), id.AccountID, id.Key)
	}
	return errors.New(msg)
}
