package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// expectReplacedBy checks that the plan replaces addr and that attr is one of the reasons Terraform
// gives (replace_paths): the replacement comes from this attribute, not only from another one.
type expectReplacedBy struct{ addr, attr string }

func (e expectReplacedBy) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr || rc.Change == nil {
			continue
		}
		for _, p := range rc.Change.ReplacePaths {
			if steps, ok := p.([]any); ok && len(steps) == 1 && steps[0] == e.attr {
				return
			}
		}
		resp.Error = fmt.Errorf("%s: replace_paths %v does not name %s", e.addr, rc.Change.ReplacePaths, e.attr)
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

// replacedByAccountID is what every account change must plan: destroy, then create, because of account_id.
func replacedByAccountID(addr string) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
		expectReplacedBy{addr: addr, attr: "account_id"},
	}
}

var emptyPlanAfterApply = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

// withProviderAccount is env with another default account in its provider block.
func withProviderAccount(env *testEnv, account string) *testEnv {
	e := *env
	e.AccountID = account
	return &e
}

// accountAttr is the account_id line of a resource, or nothing to use the provider's default.
func accountAttr(account string) string {
	if account == "" {
		return ""
	}
	return fmt.Sprintf("account_id = %q", account)
}

// An account member moves between accounts only by replacement: an explicit account_id change, the
// provider's default applying again once account_id is removed, and a change of that default.
func TestAccAccountIDReplacementAccountMember(t *testing.T) {
	env := newTestEnv(t, emulator.Options{Accounts: []string{acctA, acctB}})
	role := env.Server.RoleIDByName("Administrator")
	config := func(providerEnv *testEnv, account string) string {
		return providerEnv.ProviderConfig() + fmt.Sprintf(`
resource "iam_account_member" "m" {
  %s
  email = "jane@example.com"
  roles = [%q]
}`, accountAttr(account), role)
	}
	const addr = "iam_account_member.m"
	providerB := withProviderAccount(env, acctB)
	// livesIn checks that the member exists in account, only there, and that the state says so.
	livesIn := func(account string) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(addr, "account_id", account),
			func(s *terraform.State) error {
				a, b := env.Server.MemberIDs(acctA), env.Server.MemberIDs(acctB)
				want := map[string]int{acctA: 0, acctB: 0}
				want[account] = 1
				if len(a) != want[acctA] || len(b) != want[acctB] {
					return fmt.Errorf("members: %d in A, %d in B; want exactly one, in %s", len(a), len(b), account)
				}
				if id := s.RootModule().Resources[addr].Primary.ID; !strings.Contains(strings.Join(append(a, b...), " "), id) {
					return fmt.Errorf("the state's member %s is not the one in the account (%v %v)", id, a, b)
				}
				return nil
			},
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(env, ""), Check: livesIn(acctA), ConfigPlanChecks: emptyPlanAfterApply},
			{Config: config(env, acctA), PlanOnly: true}, // the provider's account written out: no change
			{ // explicit account change
				Config:           config(env, acctB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replacedByAccountID(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            livesIn(acctB),
			},
			{Config: config(env, acctB), PlanOnly: true},
			{ // account_id removed: the provider's default (A) applies again
				Config:           config(env, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replacedByAccountID(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            livesIn(acctA),
			},
			{ // the provider's default changes
				Config:           config(providerB, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replacedByAccountID(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            livesIn(acctB),
			},
			{Config: config(providerB, acctB), PlanOnly: true},
		},
	})
}

// A group membership moves between accounts only by replacement. Group and member IDs differ
// between accounts, so user_group_id changes too; the plan must still name account_id as a reason.
func TestAccAccountIDReplacementUserGroupMembership(t *testing.T) {
	env := newTestEnv(t, emulator.Options{Accounts: []string{acctA, acctB}})
	type side struct {
		group   string
		members []string
	}
	sides := map[string]side{}
	for _, acct := range []string{acctA, acctB} {
		ids, err := env.Server.SeedMembers(acct, 2, "m")
		if err != nil {
			t.Fatal(err)
		}
		g, err := env.Server.SeedGroup(acct, "platform", nil)
		if err != nil {
			t.Fatal(err)
		}
		sides[acct] = side{group: g, members: ids}
	}
	const addr = "iam_user_group_membership.m"
	providerB := withProviderAccount(env, acctB)
	// config is membershipConfig for the group of groupAccount, with account_id set when account is.
	config := func(providerEnv *testEnv, account, groupAccount string) string {
		s := sides[groupAccount]
		return strings.Replace(membershipConfig(providerEnv, s.group, true, s.members...),
			"user_group_id =", accountAttr(account)+"\n  user_group_id =", 1)
	}
	// livesIn checks that account's group holds the members and the other account's group none.
	livesIn := func(account string) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(addr, "account_id", account),
			resource.TestCheckResourceAttr(addr, "user_group_id", sides[account].group),
			func(*terraform.State) error {
				for acct, s := range sides {
					got, err := env.Server.GroupMemberIDs(acct, s.group)
					if err != nil {
						return err
					}
					want := 0
					if acct == account {
						want = len(s.members)
					}
					if len(got) != want {
						return fmt.Errorf("the group in account %s has %d members, want %d", acct, len(got), want)
					}
				}
				return nil
			},
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(env, "", acctA), Check: livesIn(acctA), ConfigPlanChecks: emptyPlanAfterApply},
			{Config: config(env, acctA, acctA), PlanOnly: true}, // the provider's account written out: no change
			{ // explicit account change
				Config:           config(env, acctB, acctB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replacedByAccountID(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            livesIn(acctB),
			},
			{Config: config(env, acctB, acctB), PlanOnly: true},
			{ // account_id removed: the provider's default (A) applies again
				Config:           config(env, "", acctA),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replacedByAccountID(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            livesIn(acctA),
			},
			{ // the provider's default changes
				Config:           config(providerB, "", acctB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replacedByAccountID(addr), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            livesIn(acctB),
			},
			{Config: config(providerB, acctB, acctB), PlanOnly: true},
		},
	})
}
