package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func membershipConfig(env *testEnv, groupID string, exclusive bool, ids ...string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return env.ProviderConfig() + fmt.Sprintf(`
resource "iam_user_group_membership" "m" {
  user_group_id = %q
  exclusive     = %t
  members       = [%s]
}`, groupID, exclusive, strings.Join(quoted, ", "))
}

func TestAccUserGroupMembershipExclusive(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, err := env.Server.SeedMembers(env.AccountID, 620, "m")
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := env.Server.SeedGroup(env.AccountID, "big", nil)
	if err != nil {
		t.Fatal(err)
	}
	big := ids[:600] // more than one page of 500
	checkGroup := func(want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := env.Server.GroupMemberIDs(env.AccountID, groupID)
			if err != nil {
				return err
			}
			return sameSet(got, want)
		}
	}
	var putsBefore int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return checkGroup()(nil) }, // destroy empties the group
		Steps: []resource.TestStep{
			{
				Config:           membershipConfig(env, groupID, true, big...),
				Check:            resource.ComposeAggregateTestCheckFunc(checkGroup(big...), resource.TestCheckResourceAttr("iam_user_group_membership.m", "members.#", "600")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // reordering is no change
				Config:   membershipConfig(env, groupID, true, append(append([]string{}, big[300:]...), big[:300]...)...),
				PlanOnly: true,
			},
			{ // a change of any size is exactly one write: one PUT of the new set
				PreConfig: func() { putsBefore = env.Server.CountWrites() },
				Config:    membershipConfig(env, groupID, true, append(big[5:], ids[600:610]...)...),
				Check: resource.ComposeAggregateTestCheckFunc(checkGroup(append(big[5:], ids[600:610]...)...), func(*terraform.State) error {
					if n := env.Server.CountWrites() - putsBefore; n != 1 {
						return fmt.Errorf("the change took %d write requests, want exactly 1", n)
					}
					return nil
				}),
			},
			{ // a member added outside Terraform is drift
				PreConfig: func() {
					if _, err := env.Client(t).GroupMembers.Create(context.Background(), env.AccountID, groupID, []string{ids[619]}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             membershipConfig(env, groupID, true, append(big[5:], ids[600:610]...)...),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{ // an empty set is valid and empties the group
				Config: membershipConfig(env, groupID, true),
				Check:  checkGroup(),
			},
			{
				Config:        membershipConfig(env, groupID, true),
				ResourceName:  "iam_user_group_membership.m",
				ImportState:   true,
				ImportStateId: env.AccountID + "/" + groupID, ImportStateVerify: true,
			},
		},
	})
}

func TestAccUserGroupMembershipAdditive(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, _ := env.Server.SeedMembers(env.AccountID, 6, "a")
	groupID, err := env.Server.SeedGroup(env.AccountID, "shared", ids[4:6]) // managed elsewhere
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			got, _ := env.Server.GroupMemberIDs(env.AccountID, groupID)
			if len(got) != 3 { // only its own members were removed: ids[3], ids[4], ids[5] stay
				return fmt.Errorf("after destroy the group has %d members, want the 3 managed elsewhere", len(got))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:           membershipConfig(env, groupID, false, ids[0], ids[1]),
				Check:            resource.TestCheckResourceAttr("iam_user_group_membership.m", "members.#", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // a member added elsewhere is not drift
				PreConfig: func() {
					if _, err := env.Client(t).GroupMembers.Create(context.Background(), env.AccountID, groupID, []string{ids[3]}); err != nil {
						t.Fatal(err)
					}
				},
				Config:   membershipConfig(env, groupID, false, ids[0], ids[1]),
				PlanOnly: true,
			},
			{ // a managed member removed elsewhere is drift
				PreConfig: func() {
					if err := env.Client(t).GroupMembers.Delete(context.Background(), env.AccountID, groupID, ids[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config:             membershipConfig(env, groupID, false, ids[0], ids[1]),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: membershipConfig(env, groupID, false, ids[1], ids[2]),
				Check: func(*terraform.State) error {
					got, _ := env.Server.GroupMemberIDs(env.AccountID, groupID)
					if len(got) != 5 { // ids[1], ids[2], ids[3] (outside), ids[4], ids[5]
						return fmt.Errorf("group has %d members, want 5", len(got))
					}
					return nil
				},
			},
		},
	})
}

func TestAccUserGroupMembershipErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: membershipConfig(env, "not-a-group", true), PlanOnly: true, ExpectError: regexp.MustCompile(`user group ID`)},
			{Config: membershipConfig(env, acctB, true, "jane@example.com"), PlanOnly: true, ExpectError: regexp.MustCompile(`account member ID`)},
			{
				Config: membershipConfig(env, acctB, true), ResourceName: "iam_user_group_membership.m", ImportState: true,
				ImportStateId: env.AccountID + "/ops-team", ExpectError: regexp.MustCompile(`(?s)Expected one of:\s+<account_id>/<user_group_id>`),
			},
		},
	})
	if n := env.Server.CountWrites(); n != 0 {
		t.Fatalf("invalid configurations sent %d writes", n)
	}
}

// A group and its membership created in one apply, while the API answers 404 on a new group's
// members for a moment (reported eventual consistency; here its first two /members requests, so
// the test waits out no real window): the apply still converges.
func TestAccUserGroupMembershipNewGroup404(t *testing.T) {
	env := newTestEnv(t, emulator.Options{NewGroupMembers404Requests: 2})
	ids, _ := env.Server.SeedMembers(env.AccountID, 2, "n")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "iam_user_group" "new" {
  name = "brand-new"
}
resource "iam_user_group_membership" "new" {
  user_group_id = iam_user_group.new.id
  members       = [%q, %q]
}`, ids[0], ids[1]),
			Check: resource.ComposeAggregateTestCheckFunc(resource.TestCheckResourceAttr("iam_user_group_membership.new", "members.#", "2"),
				func(s *terraform.State) error {
					got, err := env.Server.GroupMemberIDs(env.AccountID, s.RootModule().Resources["iam_user_group.new"].Primary.ID)
					if err != nil {
						return err
					}
					if n := env.Server.CountRequests("PUT", "/members"); n != 3 {
						return fmt.Errorf("want the PUT retried through two 404s (3 PUTs), saw %d PUTs", n)
					}
					return sameSet(got, ids)
				}),
		}},
	})
}

// Moving a membership to another group replaces it (the old group is emptied); a member removed
// outside Terraform is drift; a group deleted outside Terraform takes the membership out of state.
func TestAccUserGroupMembershipReplaceAndGone(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, _ := env.Server.SeedMembers(env.AccountID, 3, "r")
	groupA, _ := env.Server.SeedGroup(env.AccountID, "a", nil)
	groupB, _ := env.Server.SeedGroup(env.AccountID, "b", nil)
	size := func(groupID string, want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := env.Server.GroupMemberIDs(env.AccountID, groupID)
			if err != nil {
				return err
			}
			if len(got) != want {
				return fmt.Errorf("group %s: %d members, want %d", groupID, len(got), want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: membershipConfig(env, groupA, true, ids...), Check: size(groupA, 3)},
			{
				Config: membershipConfig(env, groupB, true, ids...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_user_group_membership.m", plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(size(groupA, 0), size(groupB, 3)),
			},
			{ // import without the account part: the provider's account_id is used
				Config: membershipConfig(env, groupB, true, ids...), ResourceName: "iam_user_group_membership.m",
				ImportState: true, ImportStateId: groupB, ImportStateVerify: true,
			},
			{ // removed outside Terraform: drift, and the apply puts the member back
				PreConfig: func() {
					if err := env.Client(t).GroupMembers.Delete(context.Background(), env.AccountID, groupB, ids[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config: membershipConfig(env, groupB, true, ids...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_user_group_membership.m", plancheck.ResourceActionUpdate)},
				},
				Check: size(groupB, 3),
			},
			{ // the group deleted outside Terraform: the membership leaves the state and is planned again
				PreConfig: func() {
					if err := env.Client(t).UserGroups.Delete(context.Background(), env.AccountID, groupB); err != nil {
						t.Fatal(err)
					}
				},
				Config: membershipConfig(env, groupB, true, ids...), PlanOnly: true, ExpectNonEmptyPlan: true,
				ExpectError: regexp.MustCompile(`User group not found`), // and the plan says the group is gone
			},
		},
	})
}

// TestAccUserGroupMembershipConflicts: an exclusive and an additive membership of the same group
// would undo each other on every apply (a diff forever); the plan fails and says so. Two additive
// memberships of one group are fine.
func TestAccUserGroupMembershipConflicts(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, err := env.Server.SeedMembers(env.AccountID, 2, "c")
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := env.Server.SeedGroup(env.AccountID, "contested", nil)
	if err != nil {
		t.Fatal(err)
	}
	membership := func(name string, exclusive bool, id string) string {
		return fmt.Sprintf("resource \"iam_user_group_membership\" %q {\n  user_group_id = %q\n  exclusive = %t\n  members = [%q]\n}\n",
			name, groupID, exclusive, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderConfig() + membership("a", true, ids[0]) + membership("b", false, ids[1]),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Conflicting User Group Memberships.*exclusive = (true|false).*another one.*exclusive = (true|false)`),
			},
			{
				Config:           env.ProviderConfig() + membership("a", false, ids[0]) + membership("b", false, ids[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// sameSet reports, as an error, the differences between the IDs a group holds and the IDs wanted.
func sameSet(got, want []string) error {
	missing, extra := newIDs(want, got), newIDs(got, want)
	if len(missing) > 0 || len(extra) > 0 {
		return fmt.Errorf("group has %d members, want %d: missing %v, unexpected %v", len(got), len(want), missing, extra)
	}
	return nil
}
