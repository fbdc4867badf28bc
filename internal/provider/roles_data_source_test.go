package provider

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func TestAccRolesDataSource(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	adminID := env.Server.RoleIDByName("Administrator")
	if adminID == "" {
		t.Fatal("the emulator's catalogue has no Administrator role")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + `
data "iam_roles" "all" {}
data "iam_roles" "admin" {
  name = "Administrator"
}
output "admin_from_map" {
  value = data.iam_roles.all.ids_by_name["Administrator"]
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.iam_roles.admin", "id", adminID),
					resource.TestCheckResourceAttr("data.iam_roles.admin", "items.#", "1"),
					resource.TestCheckResourceAttr("data.iam_roles.admin", "items.0.name", "Administrator"),
					resource.TestCheckOutput("admin_from_map", adminID),
					// The catalogue spans more than one page: every page is read.
					resource.TestCheckResourceAttrWith("data.iam_roles.all", "items.#", func(v string) error {
						if n, _ := strconv.Atoi(v); n < 21 {
							return errorf("want every role across pages (more than 20), got %s", v)
						}
						return nil
					}),
				),
			},
			{
				Config:      env.ProviderConfig() + `data "iam_roles" "x" { name = "Admin" }`,
				ExpectError: regexp.MustCompile(`(?s)No role is named "Admin".*Available:.*"Administrator"`),
			},
		},
	})
}

func TestAccPermissionGroupsDataSource(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "iam_permission_groups" "all" {}
data "iam_permission_groups" "dns_read" {
  name = "DNS Read"
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.iam_permission_groups.dns_read", "id", env.Server.PermissionGroupIDByName("DNS Read")),
				resource.TestCheckResourceAttrWith("data.iam_permission_groups.all", "items.#", func(v string) error {
					if n, _ := strconv.Atoi(v); n < 21 {
						return errorf("want every permission group across pages, got %s", v)
					}
					return nil
				}),
			),
		}},
	})
}
