package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	_ resource.ResourceWithImportState = (*chMemberResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*chMemberResource)(nil)
)

// NewClickHouseOrganizationMemberResource is iam_clickhouse_organization_member: one person in one
// ClickHouse Cloud organization, keyed by email, from invitation to membership to removal.
func NewClickHouseOrganizationMemberResource() resource.Resource { return &chMemberResource{} }

type chMemberResource struct{ pd *providerData }

type chMemberModel struct {
	ID                  types.String `tfsdk:"id"`
	OrganizationID      types.String `tfsdk:"organization_id"`
	Email               types.String `tfsdk:"email"`
	RoleIDs             idSet        `tfsdk:"role_ids"`
	Status              types.String `tfsdk:"status"`
	UserID              types.String `tfsdk:"user_id"`
	InvitationID        types.String `tfsdk:"invitation_id"`
	Name                types.String `tfsdk:"name"`
	JoinedAt            types.String `tfsdk:"joined_at"`
	InvitationExpiresAt types.String `tfsdk:"invitation_expires_at"`
}

var chMemberImportFormats = []string{"<organization_id>/<email>", "<organization_id>/<user_id>"}

func (r *chMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clickhouse_organization_member"
}

func (r *chMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(name string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: chPersonDocs[name], Computed: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A person in a ClickHouse Cloud organization, keyed by email, for the whole life of the membership: " +
			"creating it sends an invitation with `role_ids`; the person accepting it later (in the ClickHouse UI) is not drift; " +
			"an invitation that expired or was revoked shows as a planned re-invite; a role change of a member is one request, " +
			"of a pending invitation a new invitation (with a warning, as a new email goes out); destroying it removes the member " +
			"or revokes the invitation.\n\nThe person's organization roles must be managed in one place: do not also list them " +
			"as `actors` of a custom role managed elsewhere, or the two will undo each other.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<organization_id>/<email>` (email in lowercase); it does not change when the invitation is accepted.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"organization_id": schema.StringAttribute{
				MarkdownDescription: "Organization (a UUID); defaults to the provider's `clickhouse.organization_id`. Changing it replaces the member.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{organizationIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email of the person. Compared case-insensitively (the API stores it in lowercase): changing only " +
					"its case is recorded without a request; any other change replaces the member.",
				Required:   true,
				Validators: []validator.String{emailValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
					resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
				}, "Changing the email (other than its case) replaces the member.", "Changing the email (other than its case) replaces the member.")},
			},
			"role_ids": schema.SetAttribute{
				MarkdownDescription: "IDs of the person's organization roles, at least one (look them up by name with the " +
					"`iam_clickhouse_roles` data source). An unknown ID fails at plan.",
				Required:    true,
				ElementType: types.StringType,
				CustomType:  idSetOfStrings,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(uuidPattern, "must be a ClickHouse role ID: a lowercase UUID"))},
			},
			"status":                computed("status"),
			"user_id":               computed("user_id"),
			"invitation_id":         computed("invitation_id"),
			"name":                  computed("name"),
			"joined_at":             computed("joined_at"),
			"invitation_expires_at": computed("invitation_expires_at"),
		},
	}
}

func (r *chMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills organization_id, checks new role IDs against the organization's roles (one
// listing per run), plans a re-invite for an expired invitation and says that a role change of a
// pending invitation sends a new one.
func (r *chMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.pd != nil && !r.pd.requireClickHouse(&resp.Diagnostics) {
		return
	}
	def := ""
	if r.pd != nil {
		def = r.pd.clickhouseOrgID
	}
	modifyPlanScope(ctx, r.pd != nil, "organization_id", def, "Set `organization_id` on this resource, or in the provider's "+
		"`clickhouse` block (or the "+envCHOrgID+" environment variable).", req, resp)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var org types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("organization_id"), &org)...)
	planned, prior := setAttrs[idSet](ctx, req, "role_ids", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planned.IsUnknown() {
		r.pd.checkCatalogIDs(ctx, org.ValueString(), catalogClickHouseRoles, path.Root("role_ids"),
			newIDs(knownStrings(planned), knownStrings(prior)), &resp.Diagnostics)
	}
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state chMemberModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email := plan.Email.ValueString()
	switch {
	case state.Status.ValueString() == chStatusExpired:
		plan.Status = types.StringValue(chStatusPending)
		plan.InvitationID, plan.InvitationExpiresAt = types.StringUnknown(), types.StringUnknown()
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("status"))
		resp.Diagnostics.AddAttributeWarning(path.Root("status"), "ClickHouse Invitation Expired",
			fmt.Sprintf("The invitation of %s expired unaccepted. This plan revokes it and sends a new invitation: %s gets a new email.", email, email))
	case state.Status.ValueString() == chStatusPending && !plan.RoleIDs.Equal(state.RoleIDs):
		plan.InvitationID, plan.InvitationExpiresAt = types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.AddAttributeWarning(path.Root("role_ids"), "ClickHouse Invitation Will Be Sent Again",
			fmt.Sprintf("%s has not accepted the invitation yet, and an invitation's roles cannot be changed: this plan revokes it "+
				"and sends a new one with the new roles, so %s gets a new email.", email, email))
	default:
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// apply copies what the organization holds for the person into the model.
func (m *chMemberModel) apply(orgID string, p chPerson) {
	f := chPersonFieldsOf(p, time.Now())
	m.ID = types.StringValue(chImportID(orgID, p.Email))
	m.OrganizationID = types.StringValue(orgID)
	if !strings.EqualFold(m.Email.ValueString(), p.Email) {
		m.Email = types.StringValue(p.Email)
	}
	m.RoleIDs = idSetOf(p.roleIDs())
	m.Status, m.UserID, m.Name, m.JoinedAt = f.Status, f.UserID, f.Name, f.JoinedAt
	m.InvitationID, m.InvitationExpiresAt = f.InvitationID, f.InvitationExpiresAt
}

// person reads what the organization holds for email now (through the run's listings).
func (r *chMemberResource) person(ctx context.Context, orgID, email, invitationID string) (*chPerson, error) {
	members, invitations, err := r.pd.cache.ClickHouseOrg(ctx, r.pd.clickhouse, orgID)
	if err != nil {
		return nil, err
	}
	return findChPerson(members, invitations, email, invitationID)
}

// invite sends an invitation and records it in m; an existing member or pending invitation is an
// error that gives the import ID.
func (r *chMemberResource) invite(ctx context.Context, orgID string, m *chMemberModel, diags *diag.Diagnostics) {
	email := m.Email.ValueString()
	inv, err := r.pd.clickhouse.Invitations.Create(ctx, orgID, client.InvitationCreate{Email: email, RoleIDs: memberIDs(ctx, m.RoleIDs, diags)})
	r.pd.cache.InvalidateClickHouse(orgID)
	if errors.Is(err, client.ErrAlreadyExists) {
		what := "is already a member of"
		if errors.Is(err, client.ErrInvitationPending) {
			what = "already has a pending invitation to"
		}
		id := chImportID(orgID, email)
		diags.AddAttributeError(path.Root("email"), "ClickHouse Organization Member Already Exists",
			fmt.Sprintf("%s %s organization %s (%v). To manage it with Terraform, import it:\n\n"+
				"  terraform import <resource address> %s\n\nor add an import block:\n\n  import {\n    to = <resource address>\n    id = %q\n  }",
				email, what, orgID, err, id, id))
		return
	}
	if err != nil {
		addAPIError(diags, "Cannot Invite ClickHouse Organization Member "+email, err)
		return
	}
	m.apply(orgID, chPerson{Email: inv.Email, Invitation: inv})
}

func (r *chMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan chMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	orgID := r.pd.resolveOrganizationID(plan.OrganizationID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.invite(ctx, orgID, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *chMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state chMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	orgID := r.pd.resolveOrganizationID(state.OrganizationID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	email := state.Email.ValueString()
	if state.Email.IsNull() { // just imported: the ID carries the email
		_, email, _ = strings.Cut(state.ID.ValueString(), "/")
	}
	p, err := r.person(ctx, orgID, email, state.InvitationID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot Read ClickHouse Organization Member "+email, err)
		return
	}
	if p == nil { // removed, or the invitation revoked, outside Terraform: the plan invites again
		resp.State.RemoveResource(ctx)
		return
	}
	state.apply(orgID, *p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *chMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state chMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	orgID := r.pd.resolveOrganizationID(plan.OrganizationID, &resp.Diagnostics)
	roles := memberIDs(ctx, plan.RoleIDs, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.RoleIDs.Equal(state.RoleIDs) { // only the email's case: nothing to send
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	email := plan.Email.ValueString()
	summary := "Cannot Update ClickHouse Organization Member " + email
	p, err := r.person(ctx, orgID, email, state.InvitationID.ValueString())
	if err == nil && p == nil {
		err = fmt.Errorf("%s is neither a member of organization %s nor invited: %w", email, orgID, client.ErrNotFound)
	}
	if err != nil {
		addUpdateError(&resp.Diagnostics, summary, err)
		return
	}
	if p.Member != nil { // one PATCH; it waits until reads show the new roles
		m, err := r.pd.clickhouse.Members.Update(ctx, orgID, p.Member.UserID, roles, 0)
		r.pd.cache.InvalidateClickHouse(orgID)
		switch {
		case errors.Is(err, client.ErrReadLag):
			resp.Diagnostics.AddAttributeWarning(path.Root("role_ids"), "ClickHouse Role Change Not Visible Yet",
				err.Error()+"\n\nThe API accepted the change; its reads lag behind. If the next plan still shows the old roles, run it again in a minute.")
			m.AssignedRoles = nil
			for _, id := range roles {
				m.AssignedRoles = append(m.AssignedRoles, client.ClickHouseAssignedRole{RoleID: id})
			}
		case err != nil:
			addUpdateError(&resp.Diagnostics, summary, err)
			return
		}
		plan.apply(orgID, chPerson{Email: m.Email, Member: m})
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	// A pending invitation cannot change: revoke it and invite again (the plan warned).
	if !r.revoke(ctx, orgID, *p.Invitation, &resp.Diagnostics) {
		return
	}
	r.invite(ctx, orgID, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Delete removes the member, or revokes the invitation (the person as the organization holds them
// now: an invitation accepted since the last refresh is a member to remove).
func (r *chMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state chMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	orgID := r.pd.resolveOrganizationID(state.OrganizationID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	email := state.Email.ValueString()
	p, err := r.person(ctx, orgID, email, state.InvitationID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot Remove ClickHouse Organization Member "+email, err)
		return
	}
	if p == nil {
		return // already gone
	}
	defer r.pd.cache.InvalidateClickHouse(orgID)
	if p.Member != nil {
		if err := r.pd.clickhouse.Members.Delete(ctx, orgID, p.Member.UserID); err != nil && !errors.Is(err, client.ErrNotFound) {
			addAPIError(&resp.Diagnostics, "Cannot Remove ClickHouse Organization Member "+email, err)
			return
		}
	}
	if p.Invitation != nil {
		r.revoke(ctx, orgID, *p.Invitation, &resp.Diagnostics)
	}
}

// revoke deletes an invitation (one already gone is fine) and reports whether it is gone.
func (r *chMemberResource) revoke(ctx context.Context, orgID string, inv client.ClickHouseInvitation, diags *diag.Diagnostics) bool {
	err := r.pd.clickhouse.Invitations.Delete(ctx, orgID, inv.ID)
	r.pd.cache.InvalidateClickHouse(orgID)
	if err != nil && !errors.Is(err, client.ErrNotFound) {
		addAPIError(diags, "Cannot Revoke ClickHouse Invitation Of "+inv.Email, err)
		return false
	}
	return true
}

// ImportState accepts <organization_id>/<email> (a member or an invitation) and
// <organization_id>/<user_id> (a member); the organization part may be left out when the provider
// sets one.
func (r *chMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	def := ""
	if r.pd != nil {
		if !r.pd.requireClickHouse(&resp.Diagnostics) {
			return
		}
		def = r.pd.clickhouseOrgID
	}
	importScopedState(ctx, r.pd, organizationScope, def, req, resp, chMemberImportFormats, func(ctx context.Context, id importID) (string, error) {
		if strings.Contains(id.Key, "@") {
			p, err := r.person(ctx, id.AccountID, id.Key, "")
			if err == nil && p == nil {
				err = fmt.Errorf("%s is neither a member of organization %s nor invited: %w", id.Key, id.AccountID, client.ErrNotFound)
			}
			if err != nil {
				return "", err
			}
			return chImportID(id.AccountID, p.Email), nil
		}
		m, err := r.pd.clickhouse.Members.Get(ctx, id.AccountID, id.Key)
		if err != nil {
			return "", fmt.Errorf("looking up the member with user ID %s in organization %s: %w", id.Key, id.AccountID, err)
		}
		return chImportID(id.AccountID, m.Email), nil
	})
}
