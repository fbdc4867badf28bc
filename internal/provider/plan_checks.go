package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// Plan-time checks of IDs against the account: a role, permission group or resource group ID that
// does not exist, or a member ID that is not in the account, fails `terraform plan` instead of
// half-way through an apply. Only IDs new in the plan (not in the prior state) are checked, so a
// plan without changes costs no request; the catalogues are read once per run.

// errCatalogWarned is a catalogue whose failure to list was already reported once in this run
// (a warning for a 403, an error otherwise).
var errCatalogWarned = errors.New("catalogue unavailable, already reported")

// newIDs returns the IDs of planned that are not among prior (a set difference, in planned order).
func newIDs(planned, prior []string) []string {
	old := make(map[string]bool, len(prior))
	for _, id := range prior {
		old[id] = true
	}
	var out []string
	for _, id := range planned {
		if !old[id] {
			out = append(out, id)
		}
	}
	return out
}

// checkCatalogIDs adds an error on attr for every ID in ids that the account's catalogue lacks.
// The check is a help, not a requirement: when the token may not read the catalogue (a token that
// may edit members but not read roles gets 403), the plan warns once per catalogue and run and goes
// on, and the apply lets the API judge the IDs. Any other failure (the API unreachable) is an error,
// reported once.
func (pd *providerData) checkCatalogIDs(ctx context.Context, accountID string, kind catalogKind, attr path.Path, ids []string, diags *diag.Diagnostics) {
	if pd == nil || !pd.catalogChecks || len(ids) == 0 || accountID == "" {
		return
	}
	owner := kind.owner
	if owner == "" {
		owner = "Account"
	}
	known, err := pd.cache.CatalogIDs(ctx, pd, accountID, kind)
	if errors.Is(err, errCatalogWarned) || (err != nil && ctx.Err() != nil) {
		return
	}
	if errors.Is(err, client.ErrUnauthorized) {
		diags.AddWarning(fmt.Sprintf("Cannot Check %s IDs At Plan", strings.ToUpper(kind.noun[:1])+kind.noun[1:]),
			fmt.Sprintf("Reading the %ss of %s %s was refused: %s\n\nThe token may not read the %ss. This check is optional: "+
				"the plan goes on without it, and the API checks the IDs when the apply sends them. To skip it (and this warning), "+
				"set `catalog_checks = false` in the provider block, or allow the token to read the %ss.",
				kind.noun, strings.ToLower(owner), accountID, err.Error(), kind.noun, kind.noun))
		return
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot read the %ss of %s %s to check the configuration", kind.noun, strings.ToLower(owner), accountID), err)
		return
	}
	var unknown []string
	for _, id := range ids {
		if !known[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		diags.AddAttributeError(attr, fmt.Sprintf("Unknown %s ID", kind.noun),
			fmt.Sprintf("%s %s has no %s with ID %s. Look IDs up by name with the `iam_%s` data source instead of copying them.",
				owner, accountID, kind.noun, strings.Join(unknown, ", "), kind.typeSuffix))
	}
}

// checkMembersExist adds an error for every member ID in ids that is not in the account.
func (pd *providerData) checkMembersExist(ctx context.Context, accountID string, ids []string, diags *diag.Diagnostics) {
	if pd == nil || accountID == "" {
		return
	}
	if ids = slices.DeleteFunc(slices.Clone(ids), pd.cache.Created); len(ids) == 0 {
		return
	}
	// Through the read cache: a few new members cost a GET each, many cost one listing, and a
	// listing the refresh already made costs nothing.
	var missing []string
	for _, id := range ids {
		_, err := pd.cache.Member(ctx, pd.client, accountID, id)
		if errors.Is(err, client.ErrNotFound) {
			missing = append(missing, id)
		} else if err != nil {
			addAPIError(diags, "Cannot read the members of account "+accountID+" to check the configuration", err)
			return
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root("members"), "Not a member of the account",
			fmt.Sprintf("Account %s has no member with ID %s. Use the `id` of an `iam_account_member` resource or of the "+
				"`iam_account_member` data source.", accountID, strings.Join(missing, ", ")))
	}
}

// policyIDs returns the permission group and resource group IDs of a policies set.
func policyIDs(ctx context.Context, set types.Set, diags *diag.Diagnostics) (permissionGroups, resourceGroups []string) {
	for _, p := range policiesToInput(ctx, set, diags) {
		permissionGroups = append(permissionGroups, p.PermissionGroupIDs...)
		resourceGroups = append(resourceGroups, p.ResourceGroupIDs...)
	}
	return permissionGroups, resourceGroups
}

// unchangedSincePrior reports whether the plan holds the small attribute name exactly as the prior
// state does: then nothing in it is new and the checks of new IDs have nothing to convert. It
// compares the raw values (tftypes compares sets element against element: not for large sets).
func unchangedSincePrior(req resource.ModifyPlanRequest, name string) bool {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return false
	}
	planned, err := req.Plan.Raw.ApplyTerraform5AttributePathStep(tftypes.AttributeName(name))
	if err != nil {
		return false
	}
	prior, err := req.State.Raw.ApplyTerraform5AttributePathStep(tftypes.AttributeName(name))
	if err != nil {
		return false
	}
	p, ok := planned.(tftypes.Value)
	q, ok2 := prior.(tftypes.Value)
	return ok && ok2 && p.Equal(q)
}

// setAttrs reads one set attribute from the plan and, when there is one, the prior state.
// Without a prior state, prior is T's zero value: null.
func setAttrs[T basetypes.SetValuable](ctx context.Context, req resource.ModifyPlanRequest, name string, diags *diag.Diagnostics) (planned, prior T) {
	diags.Append(req.Plan.GetAttribute(ctx, path.Root(name), &planned)...)
	if !req.State.Raw.IsNull() {
		diags.Append(req.State.GetAttribute(ctx, path.Root(name), &prior)...)
	}
	return planned, prior
}

// plannedAccountID is the plan's account_id once modifyPlanAccountID has set it ("" when unknown).
func plannedAccountID(ctx context.Context, resp *resource.ModifyPlanResponse) string {
	var v types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("account_id"), &v)...)
	return v.ValueString()
}

// checkPolicyIDs checks the permission group and resource group IDs new in the planned policies.
func (pd *providerData) checkPolicyIDs(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if pd == nil || req.Plan.Raw.IsNull() || unchangedSincePrior(req, "policies") {
		return
	}
	planned, prior := setAttrs[types.Set](ctx, req, "policies", &resp.Diagnostics)
	if resp.Diagnostics.HasError() || planned.IsUnknown() || planned.IsNull() {
		return
	}
	accountID := plannedAccountID(ctx, resp)
	if !allKnown(ctx, planned) {
		return
	}
	pgs, rgs := policyIDs(ctx, planned, &resp.Diagnostics)
	oldPGs, oldRGs := policyIDs(ctx, prior, &resp.Diagnostics)
	pd.checkCatalogIDs(ctx, accountID, catalogPermissionGroups, path.Root("policies"), newIDs(pgs, oldPGs), &resp.Diagnostics)
	pd.checkCatalogIDs(ctx, accountID, catalogResourceGroups, path.Root("policies"), newIDs(rgs, oldRGs), &resp.Diagnostics)
}

// knownStrings returns the known string elements of a set (elements of resources created in the
// same apply are unknown at plan).
func knownStrings(set idSet) []string {
	var out []string
	for _, v := range set.Elements() {
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// allKnown reports whether a value and everything in it is known.
func allKnown(ctx context.Context, v attr.Value) bool {
	tv, err := v.ToTerraformValue(ctx)
	return err == nil && tv.IsFullyKnown()
}
