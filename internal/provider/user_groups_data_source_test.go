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

// The headline use case: adopt every existing group of an account in one plan, with import blocks
// driven by the groups data source (Terraform 1.7+). The test keys the resources by index because
// terraform-plugin-testing's state shim rejects string for_each keys; examples/ shows the same
// adoption keyed by group name, which Terraform itself handles the same way.
func TestAccImportAllGroups(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	for i := 0; i < 55; i++ { // more than one page of groups
		if _, err := env.Server.SeedGroup(env.AccountID, fmt.Sprintf("team-%02d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	config := env.ProviderConfig() + `
data "iam_user_groups" "existing" {}

# A map, not the list itself: OpenTofu's import for_each takes a map or a set.
locals {
  existing = { for i, g in data.iam_user_groups.existing.groups : g.name => { index = i, id = g.id } }
}

import {
  for_each = local.existing
  to       = iam_user_group.adopted[each.value.index]
  id       = each.value.id
}

resource "iam_user_group" "adopted" {
  count = length(data.iam_user_groups.existing.groups)
  name  = data.iam_user_groups.existing.groups[count.index].name
}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(`iam_user_group.adopted[54]`, plancheck.ResourceActionNoop)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if n := len(env.Server.Groups(env.AccountID)); n != 55 {
					return fmt.Errorf("the account has %d groups after adoption, want 55 (nothing created or deleted)", n)
				}
				return nil
			},
		}},
	})
}

func TestAccLookupDataSources(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, _ := env.Server.SeedMembers(env.AccountID, 60, "dir") // more than one page of members
	groupID, _ := env.Server.SeedGroup(env.AccountID, "platform", ids[:3])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + `data "iam_user_group" "x" { name = "nope" }`, ExpectError: regexp.MustCompile(`Cannot find the user group named "nope"`)},
			{Config: env.ProviderConfig() + `data "iam_account_member" "x" { email = "nobody@example.com" }`, ExpectError: regexp.MustCompile(`Cannot find the member with email`)},
			{Config: env.ProviderConfig() + `data "iam_account_member" "x" {}`, ExpectError: regexp.MustCompile(`(?s)id.*email`)},
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "iam_account_members" "all" {}
data "iam_account_member" "by_email" { email = "DIR7@example.com" }
data "iam_account_member" "by_id" { id = %q }
data "iam_user_groups" "plat" { name_contains = "PLAT" }
data "iam_user_group" "by_name" { name = "platform" }
data "iam_user_group_membership" "plat" { user_group_id = %q }
`, ids[1], groupID),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.iam_account_members.all", "members.#", "60"),
					resource.TestCheckResourceAttr("data.iam_account_member.by_email", "id", ids[7]),
					resource.TestCheckResourceAttr("data.iam_account_member.by_id", "email", "dir1@example.com"),
					resource.TestCheckResourceAttr("data.iam_user_groups.plat", "groups.#", "1"),
					resource.TestCheckResourceAttr("data.iam_user_group.by_name", "id", groupID),
					resource.TestCheckResourceAttr("data.iam_user_group_membership.plat", "members.#", "3"),
				),
			},
		},
	})
}

// Every data source exposes what its resource exposes: iam_user_group has the group's policies,
// iam_account_member the member's policies and user (as the resources do).
func TestAccDataSourcesExposeResourceAttributes(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ctx := context.Background()
	c := env.Client(t)
	pg := env.Server.PermissionGroupIDByName("Zone Read")
	rg := env.Server.ResourceGroupIDs(env.AccountID)[0]
	policy := []client.PolicyInput{{Access: "allow", PermissionGroupIDs: []string{pg}, ResourceGroupIDs: []string{rg}}}
	if _, err := c.UserGroups.Create(ctx, env.AccountID, client.UserGroupCreate{Name: "ops", Policies: policy}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members.Create(ctx, env.AccountID, client.MemberCreate{Email: "pat@example.com", Policies: policy}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "iam_user_group" "ops" {
  name = "ops"
}
data "iam_account_member" "pat" {
  email = "pat@example.com"
}
data "iam_account_members" "all" {}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.iam_user_group.ops", "policies.#", "1"),
				resource.TestCheckTypeSetElemNestedAttrs("data.iam_user_group.ops", "policies.*", map[string]string{"access": "allow"}),
				resource.TestCheckTypeSetElemAttr("data.iam_user_group.ops", "policies.0.permission_groups.*", pg),
				resource.TestCheckResourceAttr("data.iam_account_member.pat", "policies.#", "1"),
				resource.TestCheckTypeSetElemAttr("data.iam_account_member.pat", "policies.0.resource_groups.*", rg),
				resource.TestCheckResourceAttr("data.iam_account_member.pat", "user.email", "pat@example.com"),
				resource.TestCheckResourceAttrSet("data.iam_account_member.pat", "user.id"),
				resource.TestCheckResourceAttr("data.iam_account_members.all", "members.0.policies.#", "1"),
				resource.TestCheckResourceAttr("data.iam_account_members.all", "members.0.user.email", "pat@example.com"),
			),
		}},
	})
}
