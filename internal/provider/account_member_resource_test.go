package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func TestAccAccountMember(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	admin, billing, dns := env.Server.RoleIDByName("Administrator"), env.Server.RoleIDByName("Billing"), env.Server.RoleIDByName("DNS")
	config := func(email, roles string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "iam_account_member" "jane" {
  email = %q
  roles = [%s]
}`, email, roles)
	}
	memberID := func(s *terraform.State) string { return s.RootModule().Resources["iam_account_member.jane"].Primary.ID }
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("jane@example.com", fmt.Sprintf("%q, %q", admin, billing)),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("iam_account_member.jane", "status", "pending"),
					resource.TestCheckResourceAttr("iam_account_member.jane", "roles.#", "2"),
					resource.TestCheckResourceAttr("iam_account_member.jane", "user.email", "jane@example.com"),
					func(s *terraform.State) error { firstID = memberID(s); return nil },
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // reordered roles and an accepted invitation: no change
				PreConfig: func() {
					if err := env.Server.AcceptInvitation(env.AccountID, firstID); err != nil {
						t.Fatal(err)
					}
				},
				Config:   config("jane@example.com", fmt.Sprintf("%q, %q", billing, admin)),
				PlanOnly: true,
			},
			{ // roles change in place
				Config: config("jane@example.com", fmt.Sprintf("%q", dns)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_account_member.jane", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{ResourceName: "iam_account_member.jane", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"status"},
				ImportStateIdFunc: func(s *terraform.State) (string, error) { return env.AccountID + "/" + memberID(s), nil }},
			{ResourceName: "iam_account_member.jane", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"status"},
				ImportStateId: "jane@example.com"},
			{ // a new email replaces the member
				Config: config("jane.doe@example.com", fmt.Sprintf("%q", dns)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_account_member.jane", plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
			{ // removed outside Terraform: planned again
				PreConfig: func() {
					for _, id := range env.Server.MemberIDs(env.AccountID) {
						_ = env.Client(t).Members.Delete(context.Background(), env.AccountID, id)
					}
				},
				Config: config("jane.doe@example.com", fmt.Sprintf("%q", dns)), PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccAccountMemberPolicies(t *testing.T) {
	env := newTestEnv(t, emulator.Options{AllowDirectAccept: true})
	pg, rg := env.Server.PermissionGroupIDByName("DNS Read"), env.Server.ResourceGroupIDs(env.AccountID)[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "iam_account_member" "bot" {
  email    = "bot@example.com"
  status   = "accepted"
  policies = [{ access = "allow", permission_groups = [%q], resource_groups = [%q] }]
}`, pg, rg),
			Check:            resource.TestCheckResourceAttr("iam_account_member.bot", "status", "accepted"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

func TestAccAccountMemberErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	admin := env.Server.RoleIDByName("Administrator")
	if _, err := env.Client(t).Members.Create(context.Background(), env.AccountID, client.MemberCreate{Email: "taken@example.com", Roles: []string{admin}}); err != nil {
		t.Fatal(err)
	}
	env.Server.ResetRequests()
	member := func(body string) string {
		return env.ProviderConfig() + "resource \"iam_account_member\" \"m\" {\n" + body + "\n}"
	}
	plan := []resource.TestStep{
		{Config: member(`email = "not-an-email"` + "\n" + `roles = ["` + admin + `"]`), ExpectError: regexp.MustCompile(`Invalid email address`)},
		{Config: member(`email = "a@example.com"`), ExpectError: regexp.MustCompile(`(?s)roles.*policies`)},
		{Config: member(`email = "a@example.com"` + "\n" + `roles = ["Administrator"]`), ExpectError: regexp.MustCompile(`role ID`)},
		{Config: member(`email = "a@example.com"` + "\n" + `roles = ["` + admin + `"]` + "\n" + `status = "invited"`), ExpectError: regexp.MustCompile(`status`)},
	}
	for i := range plan {
		plan[i].PlanOnly = true
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: plan})
	if n := env.Server.CountWrites(); n != 0 {
		t.Fatalf("invalid configurations sent %d writes", n)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: member(`email = "taken@example.com"` + "\n" + `roles = ["` + admin + `"]`),
				ExpectError: regexp.MustCompile(`(?s)already has a member with email.*terraform import`)},
			{Config: member(`email = "new@example.com"` + "\n" + `roles = ["` + admin + `"]` + "\n" + `status = "accepted"`),
				// names the attribute and both ways out
				ExpectError: regexp.MustCompile(`(?s)automatic verification of new members is not allowed.*status = "accepted".*entitled.*-allow-direct-accept.*Leave\s+` + "`status`" + `\s+out.*invitation`)},
		},
	})
}

// A change of the email's letter case, or of status once the invitation was accepted, is recorded
// without a request; asking for "accepted" while the invitation is pending fails at plan.
func TestAccAccountMemberEmailCaseAndStatus(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	admin := env.Server.RoleIDByName("Administrator")
	config := func(email, status string) string {
		extra := ""
		if status != "" {
			extra = fmt.Sprintf("status = %q", status)
		}
		return env.ProviderConfig() + fmt.Sprintf(`
resource "iam_account_member" "jane" {
  email = %q
  roles = [%q]
  %s
}`, email, admin, extra)
	}
	var memberID string
	writes := 0
	noNewWrites := func(*terraform.State) error {
		if n := env.Server.CountWrites(); n != writes {
			return errorf("%d write requests, want none", n-writes)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("jane@example.com", ""),
				Check: func(s *terraform.State) error {
					memberID, writes = s.RootModule().Resources["iam_account_member.jane"].Primary.ID, env.Server.CountWrites()
					return nil
				},
			},
			{
				Config: config("Jane@Example.COM", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_account_member.jane", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(noNewWrites,
					resource.TestCheckResourceAttr("iam_account_member.jane", "email", "Jane@Example.COM")),
			},
			{
				Config:      config("Jane@Example.COM", "accepted"),
				ExpectError: regexp.MustCompile(`(?s)Cannot change the status of an existing member.*-replace`),
			},
			{
				PreConfig: func() {
					if err := env.Server.AcceptInvitation(env.AccountID, memberID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("Jane@Example.COM", "accepted"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_account_member.jane", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(noNewWrites,
					resource.TestCheckResourceAttrWith("iam_account_member.jane", "id", func(id string) error {
						if id != memberID {
							return errorf("member replaced: id %s, was %s", id, memberID)
						}
						return nil
					}),
					resource.TestCheckResourceAttr("iam_account_member.jane", "status", "accepted")),
			},
		},
	})
}

// TestAccAccountMemberEmailCaseCollision: two members whose emails differ only in letter case are
// the same person to the API; the plan fails and names the other spelling, instead of the second
// create failing half-way through the apply. A member planned again (each step of this test, and
// terraform's plan during apply) never collides with itself.
func TestAccAccountMemberEmailCaseCollision(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	admin := env.Server.RoleIDByName("Administrator")
	member := func(name, email string) string {
		return fmt.Sprintf("resource \"iam_account_member\" %q {\n  email = %q\n  roles = [%q]\n}\n", name, email, admin)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderConfig() + member("a", "jane@example.com") + member("b", "Jane@Example.com"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Duplicate Account Member Email.*(jane@example.com|Jane@Example.com).*same\s+person`),
			},
			{Config: env.ProviderConfig() + member("a", "jane@example.com") + member("b", "joe@example.com")},
			{Config: env.ProviderConfig() + member("a", "Jane@example.com") + member("b", "joe@example.com")}, // a case change of one member
		},
	})
	if w := env.Server.CountRequests("POST", "/members"); w != 2 {
		t.Errorf("%d member creates, want 2 (the colliding plan must create nothing)", w)
	}
}

// TestAccAccountMemberRejected: a declined invitation without `status` in the configuration is no
// diff (the plan only warns); configuring `status = "pending"` then plans a replacement, which
// sends a new invitation, and the next plan is empty.
func TestAccAccountMemberRejected(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	admin := env.Server.RoleIDByName("Administrator")
	config := func(status string) string {
		return env.ProviderConfig() + fmt.Sprintf("resource \"iam_account_member\" \"x\" {\n  email = \"declines@example.com\"\n  roles = [%q]\n%s}\n", admin, status)
	}
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources["iam_account_member.x"].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := env.Server.RejectInvitation(env.AccountID, firstID); err != nil {
						t.Fatal(err)
					}
				},
				Config:   config(""),
				PlanOnly: true, // no diff: status is not configured
			},
			{
				Config: config("  status = \"pending\"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_account_member.x", plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("iam_account_member.x", "status", "pending"),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources["iam_account_member.x"].Primary.ID; id == firstID {
							return fmt.Errorf("the member was not replaced (still %s)", id)
						}
						return nil
					},
				),
			},
		},
	})
}
