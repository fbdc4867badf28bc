package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// Nobody is removed from a group without the plan naming them. An exclusive membership replaces
// the group's whole set, so it removes two kinds of members:
//
//   - members its prior state holds and the configuration no longer lists: the `members` diff
//     shows them (by ID);
//   - members it never managed: those already in the group when a new exclusive membership takes
//     it over, or added by others while it was `exclusive = false`. Nothing in the `members` diff
//     shows them, so the plan reads the group once and names them, by email, in the computed
//     attribute `members_to_remove`.
//
// Every plan that removes anyone also carries a warning that names all of them by email, which is
// what reviewers of a CI plan read. At apply, the check before the write refuses to remove anyone
// the plan did not name (someone added since), so a saved plan never removes a stranger.

const removalsListed = 50 // names in one warning; the rest are counted

// planRemovals computes members_to_remove and adds the warning that names everyone the plan removes.
// live is the group's current membership when ModifyPlan read it (nil otherwise).
func (r *membershipResource) planRemovals(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	accountID, groupID string, exclusive types.Bool, live []client.GroupMember, planned, prior idSet, unchanged bool) {
	target := path.Root("members_to_remove")
	if unchanged {
		// Nothing changes, so nothing is removed: keep the state's value (the names of the last apply
		// until the next refresh clears them), so that this attribute alone never makes a diff. This
		// is every resource of a plan without changes: it costs no conversion of the members.
		var current types.Set
		resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, target, &current)...)
		if current.IsUnknown() {
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, target, &current)...)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, target, current)...)
		}
		return
	}
	if exclusive.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, target, types.SetUnknown(types.StringType))...)
		return
	}
	plannedIDs, priorIDs := knownStrings(planned), knownStrings(prior)
	emails := map[string]string{}
	var unseen []string
	for _, m := range live {
		emails[m.ID] = m.Email
	}
	if exclusive.ValueBool() {
		keep := idLookup(plannedIDs, priorIDs)
		for _, m := range live {
			if !keep[m.ID] {
				unseen = append(unseen, m.ID)
			}
		}
	}
	value := types.SetValueMust(types.StringType, []attr.Value{})
	if len(unseen) > 0 {
		names := make([]attr.Value, 0, len(unseen))
		for _, id := range unseen {
			names = append(names, types.StringValue(memberName(emails[id], id)))
		}
		value = types.SetValueMust(types.StringType, names)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, target, value)...)

	// The warning: everyone removed, the ones the diff shows (by ID) named by email too.
	visible := newIDs(priorIDs, plannedIDs)
	if len(visible)+len(unseen) == 0 || planned.IsUnknown() {
		return
	}
	names := make([]string, 0, len(visible)+len(unseen))
	for _, id := range visible {
		email := emails[id]
		if email == "" && r.pd != nil {
			if m, err := r.pd.cache.Member(ctx, r.pd.client, accountID, id); err == nil {
				email = m.Email
			} // best effort: a member that is gone (or unreadable) is named by its ID
		}
		names = append(names, memberName(email, id)+" ("+id+")")
	}
	for _, id := range unseen {
		names = append(names, memberName(emails[id], id)+" ("+id+"), not managed by this resource")
	}
	detail := removalList("user group "+groupID, names)
	if len(unseen) > 0 {
		detail += "\n\nMembers not managed by this resource are removed because `exclusive = true` makes `members` the " +
			"group's whole membership; `members_to_remove` lists them. To keep them, add their IDs to `members`, " +
			"or set `exclusive = false` to manage only the listed members."
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("members"), "User Group Members Will Be Removed", r.pd.mask(detail))
}

// memberName is a member's email, or its ID when the API did not give the email.
func memberName(email, id string) string {
	if email == "" {
		return id
	}
	return email
}

// readGroupForPlan reads the group's members when this plan may take members it never managed out of
// the group (a new exclusive membership, or exclusive turned on); it reports a group that does not
// exist on a new membership. ok=false after an error diagnostic.
func (r *membershipResource) readGroupForPlan(ctx context.Context, accountID, groupID string, isNew bool, diags *diag.Diagnostics) ([]client.GroupMember, bool) {
	live, err := r.pd.client.GroupMembers.ListAll(ctx, accountID, groupID)
	if errors.Is(err, client.ErrNotFound) && isNew {
		addGroupNotFound(diags, accountID, groupID)
		return nil, false
	}
	if err != nil {
		addAPIError(diags, "Cannot read the members of user group "+groupID, err)
		return nil, false
	}
	return live, true
}

func addGroupNotFound(diags *diag.Diagnostics, accountID, groupID string) {
	diags.AddAttributeError(path.Root("user_group_id"), "User group not found",
		fmt.Sprintf("Account %s has no user group with ID %s. Use the `id` of an `iam_user_group` resource or data source.",
			accountID, groupID))
}

// checkNoUnplannedRemoval reads the group's members just before the write that replaces them, and
// stops if the write would remove someone the plan did not name: neither in the prior state (the
// `members` diff) nor in members_to_remove. That is a member added to the group after the plan was
// made (most often while a saved plan waited for approval); removing them would undo someone
// else's change. Members who left the group since the plan are no conflict: most often they are
// people this same apply removed from the account (terraform destroys a member before it updates
// the memberships that listed it), and the write of the planned set is what the plan showed either
// way. The same holds for a destroy, which empties the group: a saved destroy plan (or one made with
// -refresh=false) names only the members in the state. One paged read per changed or destroyed
// exclusive membership buys "never a silent removal".
func (r *membershipResource) checkNoUnplannedRemoval(ctx context.Context, accountID, groupID string, prior, planned []string, named types.Set, diags *diag.Diagnostics) {
	members, err := r.pd.client.GroupMembers.ListAll(ctx, accountID, groupID)
	if errors.Is(err, client.ErrNotFound) {
		return // the group is gone: nobody can be removed from it (the write that follows says so)
	}
	if err != nil {
		addUpdateError(diags, "Cannot read the members of user group "+groupID, err)
		return
	}
	namedSet := map[string]bool{}
	for _, n := range knownStrings(idSet{named}) {
		namedSet[strings.ToLower(n)] = true
	}
	var unplanned []string
	seen := idLookup(prior, planned)
	for _, m := range members {
		if seen[m.ID] || namedSet[strings.ToLower(memberName(m.Email, m.ID))] {
			continue
		}
		unplanned = append(unplanned, memberName(m.Email, m.ID)+" ("+m.ID+")")
	}
	if len(unplanned) == 0 {
		return
	}
	diags.AddAttributeError(path.Root("members"), "User group members changed since the plan",
		fmt.Sprintf("Member(s) %s were added to user group %s outside Terraform after the plan was made, and this apply "+
			"would remove them. Nothing was changed, so that the apply does not undo a change the plan did not show. "+
			"Run `terraform plan` (or `terraform apply` without a saved plan) again to review it.", strings.Join(unplanned, ", "), groupID))
}

// idLookup is the union of lists of IDs, for membership tests.
func idLookup(lists ...[]string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lists {
		for _, id := range l {
			out[id] = true
		}
	}
	return out
}
