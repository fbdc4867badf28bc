package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// The plan of iam_account_members names everyone it removes, as the membership resource's does
// (membership_removals.go): members taken out of the map show in the map's diff, and with
// `exclusive = true` the account's members the resource never managed are listed by email in the
// computed `members_to_remove`; a warning names all of them. The apply removes nobody else. The
// plan also refuses to remove the account's last Super Administrator, refuses (outside an import)
// to take over a person already in the account, and checks new role and policy IDs.

// superAdminRole is the name of the role that can administer everything in an account.
const superAdminRole = "Super Administrator - All Privileges"

func (r *accountMembersResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var members types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("members"), &members)...)
	if resp.Diagnostics.HasError() || members.IsNull() || members.IsUnknown() {
		return
	}
	config := bulkMembers(ctx, members, &resp.Diagnostics)
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[string]string{}
	for _, key := range keys {
		m := config[key]
		at := path.Root("members").AtMapKey(key)
		if other, dup := seen[strings.ToLower(key)]; dup {
			resp.Diagnostics.AddAttributeError(at, "Duplicate member email",
				fmt.Sprintf("%q and %q differ only in letter case. The API compares emails without regard to case, so they are the "+
					"same person: keep one key.", other, key))
		}
		seen[strings.ToLower(key)] = key
		switch {
		case m.Roles.IsUnknown() || m.Policies.IsUnknown():
		case m.Roles.IsNull() == m.Policies.IsNull():
			resp.Diagnostics.AddAttributeError(at, "Invalid member access",
				fmt.Sprintf("Member %s needs exactly one of `roles` and `policies`.", key))
		case !m.Policies.IsNull() && len(m.Policies.Elements()) == 0:
			resp.Diagnostics.AddAttributeError(at.AtName("policies"), "Invalid member access",
				fmt.Sprintf("Member %s has `policies = []`: give at least one policy, or use `roles`.", key))
		}
	}
}

func (r *accountMembersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyPlanAccountID(ctx, r.pd, req, resp)
	if resp.Diagnostics.HasError() || r.pd == nil {
		return
	}
	var old map[string]bulkMember
	var prior bulkMembersModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		old = bulkMembers(ctx, prior.Members, &resp.Diagnostics)
	}
	if req.Plan.Raw.IsNull() { // destroy: every managed member goes
		if len(old) > 0 {
			accountID := r.pd.resolveAccountID(prior.AccountID, &resp.Diagnostics)
			if !resp.Diagnostics.HasError() {
				r.checkRemovals(ctx, accountID, old, nil, nil, resp)
			}
		}
		return
	}
	var plan bulkMembersModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := plan.AccountID.ValueString()
	if plan.Members.IsUnknown() || plan.AccountID.IsUnknown() || plan.Exclusive.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("members_to_remove"), idSet{types.SetUnknown(types.StringType)})...)
		return
	}
	planned := bulkMembers(ctx, plan.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.claimEmails(accountID, plan.Exclusive.ValueBool(), planned, &resp.Diagnostics)
	adopt, _ := req.Private.GetKey(ctx, importPrivateKey)
	oldByEmail := byEmail(old)

	var added []string
	for key, m := range planned {
		okey, ok := oldByEmail[strings.ToLower(key)]
		if !ok {
			added = append(added, key)
			continue
		}
		have := old[okey]
		m.ID = have.ID
		if m.Status.IsUnknown() {
			m.Status = have.Status
		}
		planned[key] = m
	}
	sort.Strings(added)
	plannedByEmail := byEmail(planned)
	var removed []string // managed members no longer in the map
	for key := range old {
		if _, ok := plannedByEmail[strings.ToLower(key)]; !ok {
			removed = append(removed, key)
		}
	}
	sort.Strings(removed)
	exclusive := plan.Exclusive.ValueBool()
	statusChanges := false
	for key, m := range planned {
		if okey, ok := oldByEmail[strings.ToLower(key)]; ok && m.Status.ValueString() == "accepted" && old[okey].Status.ValueString() != "accepted" {
			statusChanges = true
		}
	}

	var live map[string]client.Member
	if exclusive || len(added) > 0 || len(removed) > 0 || statusChanges {
		var err error
		if live, err = r.pd.cache.AllMembers(ctx, r.pd.client, accountID); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot read the members of account "+accountID+" to plan iam_account_members", err)
			return
		}
	}
	liveByEmail := make(map[string]client.Member, len(live))
	for _, m := range live {
		liveByEmail[strings.ToLower(m.Email)] = m
	}

	// New keys: invited, or (after an import) adopted; a person already in the account is never
	// taken over silently.
	var adopted []string
	for _, key := range added {
		m := planned[key]
		mem, exists := liveByEmail[strings.ToLower(key)]
		switch {
		case exists && adopt != nil:
			m.ID = types.StringValue(mem.ID)
			if m.Status.IsUnknown() {
				m.Status = types.StringValue(mem.Status)
			} else if m.Status.ValueString() == "accepted" && mem.Status != "accepted" {
				resp.Diagnostics.AddAttributeError(path.Root("members").AtMapKey(key).AtName("status"), "Cannot change the status of an existing member",
					fmt.Sprintf("Member %s has status %q and the API cannot change a member's status: leave `status` out, or set %q.", key, mem.Status, mem.Status))
			}
			adopted = append(adopted, key)
		case exists:
			addCreateConflict(&resp.Diagnostics, path.Root("members").AtMapKey(key), "Account Member Already Exists", accountID,
				"a member with email "+mem.Email+", which this resource did not create (an import of iam_account_members adopts the "+
					"members its configuration lists; to move someone from an iam_account_member, see \"Moving people between "+
					"resources\" in the docs of iam_account_members)", accountID, nil)
			continue
		default:
			m.ID = types.StringUnknown()
			if m.Status.IsUnknown() {
				m.Status = types.StringValue("pending")
			}
		}
		planned[key] = m
	}
	if len(adopted) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("members"), "Existing Account Members Adopted",
			fmt.Sprintf("This import adopts %d member(s) already in account %s, and sets their roles or policies to the "+
				"configured ones: %s.", len(adopted), accountID, listNames(adopted)))
	}

	// A status can only become "accepted" once the invitation was accepted (as in iam_account_member).
	for key, m := range planned {
		okey, ok := oldByEmail[strings.ToLower(key)]
		if !ok || m.Status.ValueString() != "accepted" || old[okey].Status.ValueString() == "accepted" {
			continue
		}
		if mem, ok := live[m.ID.ValueString()]; ok && mem.Status != "accepted" {
			resp.Diagnostics.AddAttributeError(path.Root("members").AtMapKey(key).AtName("status"), "Cannot change the status of an existing member",
				fmt.Sprintf("Member %s has status %q and the API cannot change a member's status. Keep status = %q, or remove the "+
					"member from the map and add it again in a later apply to re-invite it.", key, mem.Status, old[okey].Status.ValueString()))
		}
	}

	// Members the resource never managed that an exclusive plan removes: named by email.
	var unseen []string
	if exclusive {
		managed := map[string]bool{}
		for _, m := range old {
			managed[m.ID.ValueString()] = true
		}
		for email, m := range liveByEmail {
			if _, ok := plannedByEmail[email]; !ok && !managed[m.ID] {
				unseen = append(unseen, m.Email)
			}
		}
		sort.Strings(unseen)
	}
	r.planMembersToRemove(ctx, req, resp, unseen, &plan, planned)
	if resp.Diagnostics.HasError() {
		return
	}

	if len(removed)+len(unseen) > 0 {
		gone := map[string]bulkMember{}
		for _, key := range removed {
			gone[key] = old[key]
		}
		r.checkRemovals(ctx, accountID, gone, unseen, planned, resp)
	}

	// New role, permission group and resource group IDs exist in the account's catalogues.
	var roles, oldRoles, pgs, oldPGs, rgs, oldRGs []string
	for _, m := range planned {
		roles = append(roles, knownStrings(m.Roles)...)
		if !m.Policies.IsNull() && allKnown(ctx, m.Policies) {
			p, g := policyIDs(ctx, m.Policies, &resp.Diagnostics)
			pgs, rgs = append(pgs, p...), append(rgs, g...)
		}
	}
	for _, m := range old {
		oldRoles = append(oldRoles, knownStrings(m.Roles)...)
		p, g := policyIDs(ctx, m.Policies, &resp.Diagnostics)
		oldPGs, oldRGs = append(oldPGs, p...), append(oldRGs, g...)
	}
	r.pd.checkCatalogIDs(ctx, accountID, catalogRoles, path.Root("members"), uniqueStrings(newIDs(roles, oldRoles)), &resp.Diagnostics)
	r.pd.checkCatalogIDs(ctx, accountID, catalogPermissionGroups, path.Root("members"), uniqueStrings(newIDs(pgs, oldPGs)), &resp.Diagnostics)
	r.pd.checkCatalogIDs(ctx, accountID, catalogResourceGroups, path.Root("members"), uniqueStrings(newIDs(rgs, oldRGs)), &resp.Diagnostics)
}

// planMembersToRemove sets members_to_remove to unseen, keeping the state's value when nothing else
// changes (so that this attribute alone never makes a diff), and sets the members map.
func (r *accountMembersResource) planMembersToRemove(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	unseen []string, plan *bulkMembersModel, planned map[string]bulkMember) {
	plan.Members = bulkMap(planned)
	plan.MembersToRemove = idSetOf(unseen)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	if len(unseen) == 0 && !req.State.Raw.IsNull() {
		var stateValue idSet
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("members_to_remove"), &stateValue)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("members_to_remove"), stateValue)...)
		if !resp.Plan.Raw.Equal(req.State.Raw) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("members_to_remove"), plan.MembersToRemove)...)
		}
	}
}

// checkRemovals warns with the name of everyone the plan removes (managed members leaving the map,
// and unmanaged ones an exclusive plan removes) and refuses a plan that removes the account's last
// accepted Super Administrator. planned is nil for a destroy.
func (r *accountMembersResource) checkRemovals(ctx context.Context, accountID string, gone map[string]bulkMember, unseen []string,
	planned map[string]bulkMember, resp *resource.ModifyPlanResponse) {
	live, err := r.pd.cache.AllMembers(ctx, r.pd.client, accountID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the members of account "+accountID+" to plan iam_account_members", err)
		return
	}
	names := make([]string, 0, len(gone)+len(unseen))
	removedIDs := map[string]bool{}
	for key, m := range gone {
		names = append(names, key)
		removedIDs[m.ID.ValueString()] = true
	}
	sort.Strings(names)
	for _, e := range unseen {
		names = append(names, e+" (not managed by this resource)")
	}
	unseenSet := map[string]bool{}
	for _, e := range unseen {
		unseenSet[strings.ToLower(e)] = true
	}
	if planned != nil && len(names) > 0 {
		detail := removalList("account "+accountID, names)
		if len(unseen) > 0 {
			detail += "\n\nMembers not managed by this resource are removed because `exclusive = true` makes `members` the " +
				"account's whole membership; `members_to_remove` lists them. To keep them, add them to `members`, or set " +
				"`exclusive = false` to manage only the listed members."
		}
		resp.Diagnostics.AddAttributeWarning(path.Root("members"), "Account Members Will Be Removed", detail)
	}

	// The last Super Administrator: accepted members holding the role before and after the plan.
	plannedByID := map[string]bulkMember{}
	for _, m := range planned {
		plannedByID[m.ID.ValueString()] = m
	}
	var before, lost []string
	after := 0
	for _, m := range live {
		saIDs := superAdminIDs(m)
		if m.Status != "accepted" || len(saIDs) == 0 {
			continue
		}
		before = append(before, m.Email)
		switch p, managed := plannedByID[m.ID]; {
		case removedIDs[m.ID] || unseenSet[strings.ToLower(m.Email)]:
			lost = append(lost, m.Email)
		case managed && !p.Roles.IsUnknown() && !slices.ContainsFunc(knownStrings(p.Roles), func(id string) bool { return slices.Contains(saIDs, id) }):
			lost = append(lost, m.Email)
		default:
			after++
		}
	}
	if len(before) > 0 && after == 0 {
		sort.Strings(lost)
		resp.Diagnostics.AddAttributeError(path.Root("members"), "Cannot Remove The Last Super Administrator",
			fmt.Sprintf("This plan would leave account %s without an accepted Super Administrator: it removes (or takes the role "+
				"from) %s. Nobody could administer the account afterwards. Keep at least one of them in `members` with the "+
				"%q role, or make someone else Super Administrator first.", accountID, strings.Join(lost, ", "), superAdminRole))
	}
}

// removalList is the text of a warning that names everyone a plan removes from where (at most
// removalsListed names, the rest counted).
func removalList(where string, names []string) string {
	detail := fmt.Sprintf("This plan removes %d member(s) from %s:\n  - %s", len(names), where,
		strings.Join(names[:min(len(names), removalsListed)], "\n  - "))
	if len(names) > removalsListed {
		detail += fmt.Sprintf("\n  ... and %d more", len(names)-removalsListed)
	}
	return detail
}

// superAdminIDs returns the IDs of the member's roles named as the Super Administrator role.
func superAdminIDs(m client.Member) []string {
	var ids []string
	for _, role := range m.Roles {
		if role.Name == superAdminRole {
			ids = append(ids, role.ID)
		}
	}
	return ids
}

// uniqueStrings sorts and de-duplicates.
func uniqueStrings(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// claimEmails warns, naming them, of people in the map that an iam_account_member of the same
// configuration manages too and, when exclusive, of people such resources manage outside the map.
func (r *accountMembersResource) claimEmails(accountID string, exclusive bool, planned map[string]bulkMember, diags *diag.Diagnostics) {
	var shared []string
	for key := range planned {
		if r.pd.plans.claim(accountID, key, "iam_account_members") != "" {
			shared = append(shared, key)
		}
	}
	if len(shared) > 0 {
		sort.Strings(shared)
		diags.AddAttributeWarning(path.Root("members"), "Account Member Managed Twice", managedTwiceDetail(accountID, shared))
	}
	if exclusive {
		if outside := r.pd.plans.claimExclusive(accountID, byEmail(planned)); len(outside) > 0 {
			sort.Strings(outside)
			diags.AddAttributeWarning(path.Root("members"), "Account Member Outside An Exclusive iam_account_members",
				outsideExclusiveDetail(accountID, outside))
		}
	}
}

func outsideExclusiveDetail(accountID string, emails []string) string {
	return fmt.Sprintf("%s: managed by an iam_account_member, while an iam_account_members of this configuration has "+
		"`exclusive = true` in account %s without them. The exclusive resource removes everyone its map does not list, so "+
		"each apply would remove them and the next add them back. Add them to the map (and drop the iam_account_member), or "+
		"set `exclusive = false`.", listNames(emails), accountID)
}

func managedTwiceDetail(accountID string, emails []string) string {
	return fmt.Sprintf("%s of account %s: managed both by an iam_account_member and by an iam_account_members of this "+
		"configuration. Each resource would undo the other's changes to their access, and removing the person from either "+
		"removes them from the account. Keep each person in one resource; to move people between the two, see \"Moving "+
		"people between resources\" in the docs of iam_account_members.", listNames(emails), accountID)
}
