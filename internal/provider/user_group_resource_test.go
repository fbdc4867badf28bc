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

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func TestAccUserGroup(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	dnsRead, zoneRead := env.Server.PermissionGroupIDByName("DNS Read"), env.Server.PermissionGroupIDByName("Zone Read")
	rgs := env.Server.ResourceGroupIDs(env.AccountID)
	config := func(name, pgs string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "iam_user_group" "ops" {
  name = %q
  policies = [{
    access            = "allow"
    permission_groups = [%s]
    resource_groups   = [%q, %q]
  }]
}`, name, pgs, rgs[0], rgs[1])
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("ops", fmt.Sprintf("%q, %q", dnsRead, zoneRead)),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("iam_user_group.ops", "name", "ops"),
					resource.TestCheckResourceAttr("iam_user_group.ops", "account_id", env.AccountID),
					resource.TestCheckResourceAttr("iam_user_group.ops", "policies.#", "1"),
					resource.TestCheckResourceAttr("iam_user_group.ops", "policies.0.permission_groups.#", "2"),
					resource.TestCheckResourceAttrSet("iam_user_group.ops", "created_on"),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // reordering a set is no change, even though the API reissued policy IDs on refresh
				Config:   config("ops", fmt.Sprintf("%q, %q", zoneRead, dnsRead)),
				PlanOnly: true,
			},
			{ // rename in place
				Config: config("operations", fmt.Sprintf("%q", dnsRead)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_user_group.ops", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.TestCheckResourceAttr("iam_user_group.ops", "name", "operations"),
			},
			{ // import by account/ID
				ResourceName:      "iam_user_group.ops",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return env.AccountID + "/" + s.RootModule().Resources["iam_user_group.ops"].Primary.ID, nil
				},
			},
			{ // import by name, with the account from the provider
				ResourceName:      "iam_user_group.ops",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId:     "operations",
			},
			{ // deleted outside Terraform: the plan creates it again
				PreConfig: func() {
					for id := range env.Server.Groups(env.AccountID) {
						if err := env.Client(t).UserGroups.Delete(context.Background(), env.AccountID, id); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:             config("operations", fmt.Sprintf("%q", dnsRead)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A group without policies: absent, empty and the API's [] are all the same.
func TestAccUserGroupNoPolicies(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           env.ProviderConfig() + `resource "iam_user_group" "g" { name = "readers" }`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: env.ProviderConfig() + `
resource "iam_user_group" "g" {
  name     = "readers"
  policies = []
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccUserGroupErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	if _, err := env.Server.SeedGroup(env.AccountID, "taken", nil); err != nil {
		t.Fatal(err)
	}
	env.Server.ResetRequests()
	steps := []resource.TestStep{
		{Config: env.ProviderConfig() + `resource "iam_user_group" "g" { name = "" }`, ExpectError: regexp.MustCompile(`name`)},
		{Config: env.ProviderConfig() + `resource "iam_user_group" "g" {
  name     = "x"
  policies = [{ access = "permit", permission_groups = ["` + acctA + `"], resource_groups = ["` + acctA + `"] }]
}`, ExpectError: regexp.MustCompile(`(?s)access.*allow.*deny`)},
		{Config: env.ProviderConfig() + `resource "iam_user_group" "g" {
  name     = "x"
  policies = [{ access = "allow", permission_groups = ["DNS Read"], resource_groups = ["` + acctA + `"] }]
}`, ExpectError: regexp.MustCompile(`permission group ID`)},
		{Config: env.ProviderConfig() + `resource "iam_user_group" "g" {
  account_id = "nope"
  name       = "x"
}`, ExpectError: regexp.MustCompile(`account ID`)},
	}
	for i, step := range steps {
		step.PlanOnly = true
		steps[i] = step
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if n := env.Server.CountWrites(); n != 0 {
		t.Fatalf("invalid configurations sent %d write requests, want 0", n)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.ProviderConfig() + `resource "iam_user_group" "g" { name = "taken" }`,
				ExpectError: regexp.MustCompile(`(?s)already has a group named "taken".*import`),
			},
			{
				Config:        env.ProviderConfig() + `resource "iam_user_group" "g" { name = "taken" }`,
				ResourceName:  "iam_user_group.g",
				ImportState:   true,
				ImportStateId: env.AccountID + "/no-such-group",
				// the format was right: say no group has that name and list the names that exist
				ExpectError: regexp.MustCompile(`(?s)No user group in account\s+\w+\s+is\s+named\s+"no-such-group".*Existing\s+names:\s+"taken"`),
			},
		},
	})
}

// A rename outside Terraform is drift that the next apply reverts; moving the group to another
// account (explicitly, or through the provider's default) replaces it.
func TestAccUserGroupDriftAndAccountChange(t *testing.T) {
	other := "fedcba9876543210fedcba9876543210"
	env := newTestEnv(t, emulator.Options{Accounts: []string{emulator.DefaultAccountID, other}})
	config := func(account string) string {
		attr := ""
		if account != "" {
			attr = fmt.Sprintf("account_id = %q", account)
		}
		return env.ProviderConfig() + fmt.Sprintf(`
resource "iam_user_group" "g" {
  name = "platform"
  %s
}`, attr)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("")},
			{
				PreConfig: func() {
					for id := range env.Server.Groups(env.AccountID) {
						name := "renamed-by-hand"
						if _, err := env.Client(t).UserGroups.Update(context.Background(), env.AccountID, id, client.UserGroupUpdate{Name: &name}); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_user_group.g", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.TestCheckResourceAttr("iam_user_group.g", "name", "platform"),
			},
			{ // the same account written out explicitly is no change
				Config:   config(env.AccountID),
				PlanOnly: true,
			},
			{
				Config: config(other),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("iam_user_group.g", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					if len(env.Server.Groups(other)) != 1 || len(env.Server.Groups(env.AccountID)) != 0 {
						return fmt.Errorf("the group did not move: %v / %v", env.Server.Groups(env.AccountID), env.Server.Groups(other))
					}
					return nil
				},
			},
		},
	})
}

// TestAccUserGroupNameCountsCharacters: the 255-character limit of a group name counts characters,
// not bytes: 255 "é" (510 bytes) plan, apply and read back unchanged.
func TestAccUserGroupNameCountsCharacters(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	name := strings.Repeat("é", 255)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           env.ProviderConfig() + fmt.Sprintf("resource \"iam_user_group\" \"x\" {\n  name = %q\n}\n", name),
			Check:            resource.TestCheckResourceAttr("iam_user_group.x", "name", name),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}
