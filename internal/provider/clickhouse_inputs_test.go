package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// Bad ClickHouse inputs fail at plan with a diagnostic naming the attribute, and nothing is written
// (nothing is even read when the configuration alone shows the mistake). Each API's credentials
// are required only by its own resources, and their absence names the block and the variables.
func TestAccClickHouseInvalidInputs(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	member := emulator.ClickHouseRoleIDByName("Member")
	res := func(body string) string {
		return "resource \"iam_clickhouse_organization_member\" \"x\" {\n" + body + "\n}\n"
	}
	unsetEnv := func(t *testing.T) {
		for _, v := range []string{envCHOrgID, envCHTokenKey, envCHTokenSecret, envCHAPIURL, envAPIToken, envAPIKey, envEmail} {
			t.Setenv(v, "")
		}
	}
	cases := []struct {
		name, config, err string
		noRequests        bool
	}{
		{"unknown role", env.ClickHouseProviderConfig() + res(`email = "a@example.com"`+"\n"+`role_ids = ["00000000-0000-4000-8000-000000000000"]`),
			`Organization\s+` + chOrgID + `\s+has\s+no\s+role\s+with\s+ID\s+00000000-0000-4000-8000-000000000000`, false},
		{"role not a UUID", env.ClickHouseProviderConfig() + res(`email = "a@example.com"`+"\n"+`role_ids = ["Admin"]`), `must be a ClickHouse role ID`, true},
		{"no roles", env.ClickHouseProviderConfig() + res(`email = "a@example.com"`+"\n"+`role_ids = []`), `role_ids set must contain at least 1`, true},
		{"bad email", env.ClickHouseProviderConfig() + res(`email = "ann"`+"\n"+fmt.Sprintf(`role_ids = [%q]`, member)), `must be a plain email address`, true},
		{"bad organization on the resource", env.ClickHouseProviderConfig() + res(`organization_id = "my-org"`+"\n"+`email = "a@example.com"`+"\n"+fmt.Sprintf(`role_ids = [%q]`, member)),
			`must be a ClickHouse organization ID`, true},
		{"bad organization in the block", strings.Replace(env.ClickHouseProviderConfig(), chOrgID, "my-org", 1) + `data "iam_clickhouse_roles" "x" {}`,
			`must be a ClickHouse organization ID`, true},
		{"http api_url to a remote host", strings.Replace(env.ClickHouseProviderConfig(), env.URL, "http://api.example.com", 1) + `data "iam_clickhouse_roles" "x" {}`,
			`(?s)Invalid api_url.*plain http is accepted only for a loopback host`, true},
		{"ClickHouse resource without ClickHouse credentials", env.ProviderConfig() + res(`email = "a@example.com"`+"\n"+fmt.Sprintf(`role_ids = [%q]`, member)),
			`(?s)Missing ClickHouse API credentials.*clickhouse.*token_key.*CLICKHOUSE_TOKEN_KEY.*token_secret.*CLICKHOUSE_TOKEN_SECRET`, true},
		{"ClickHouse data source without ClickHouse credentials", env.ProviderConfig() + `data "iam_clickhouse_organization_members" "x" {}`,
			`Missing ClickHouse API credentials`, true},
		{"Cloudflare data source with only ClickHouse credentials", env.ClickHouseProviderConfig() + `data "iam_roles" "x" {}`,
			`(?s)Missing Cloudflare API credentials.*api_token.*CLOUDFLARE_API_TOKEN`, true},
		{"Cloudflare resource with only ClickHouse credentials", env.ClickHouseProviderConfig() + `resource "iam_user_group" "x" { name = "x" }`,
			`Missing Cloudflare API credentials`, true},
		{"member data source with both keys", env.ClickHouseProviderConfig() + `data "iam_clickhouse_organization_member" "x" {
  email   = "a@example.com"
  user_id = "u"
}`, `Invalid Attribute Combination`, true},
		{"member data source finds nobody", env.ClickHouseProviderConfig() + `data "iam_clickhouse_organization_member" "x" { email = "nobody@example.com" }`,
			`(?s)Organization\s+` + chOrgID + `\s+has\s+no\s+member\s+or\s+invitation\s+with\s+email\s+"nobody@example.com"`, false},
		{"import ID without a key", env.ClickHouseProviderConfig() + `import {
  to = iam_clickhouse_organization_member.x
  id = "` + chOrgID + `/"
}
` + res(`email = "a@example.com"`+"\n"+fmt.Sprintf(`role_ids = [%q]`, member)), `(?s)the part after the organization ID is empty.*<organization_id>/<email>`, true},
		{"import of nobody", env.ClickHouseProviderConfig() + `import {
  to = iam_clickhouse_organization_member.x
  id = "` + chOrgID + `/nobody@example.com"
}
` + res(`email = "nobody@example.com"`+"\n"+fmt.Sprintf(`role_ids = [%q]`, member)), `(?s)neither a member of organization.*nor invited`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			unsetEnv(t)
			env.Server.ResetRequests()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.err)}},
			})
			if n := env.Server.CountWrites(); n != 0 {
				t.Errorf("%d write requests, want 0", n)
			}
			if n := len(env.Server.Requests()); tc.noRequests && n != 0 {
				t.Errorf("%d requests, want none: the configuration alone shows the mistake", n)
			}
		})
	}
}

// The data sources: everyone in the organization (members and invitations), one person by email
// or user ID, and the roles by name.
func TestAccClickHouseDataSources(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ch := env.ClickHouseClient(t)
	admin, member := emulator.ClickHouseRoleIDByName("Admin"), emulator.ClickHouseRoleIDByName("Member")
	invite(t, ch, "ann@example.com", admin)
	invite(t, ch, "bob@example.com", member)
	userID, err := env.Server.AcceptClickHouseInvitation(chOrgID, "ann@example.com", "Ann")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ClickHouseProviderConfig() + fmt.Sprintf(`
data "iam_clickhouse_roles" "all" {}
data "iam_clickhouse_roles" "admin" {
  name = "Admin"
}
data "iam_clickhouse_organization_members" "all" {}
data "iam_clickhouse_organization_member" "by_email" {
  email = "BOB@example.com"
}
data "iam_clickhouse_organization_member" "by_id" {
  user_id = %q
}`, userID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.iam_clickhouse_roles.all", tfjsonpath.New("ids_by_name").AtMapKey("Member"), knownvalue.StringExact(member)),
				statecheck.ExpectKnownValue("data.iam_clickhouse_roles.admin", tfjsonpath.New("id"), knownvalue.StringExact(admin)),
				statecheck.ExpectKnownValue("data.iam_clickhouse_roles.admin", tfjsonpath.New("items").AtSliceIndex(0).AtMapKey("description"), knownvalue.StringExact("system")),
				statecheck.ExpectKnownValue("data.iam_clickhouse_organization_members.all", tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("ann@example.com"), "status": knownvalue.StringExact("active"),
						"user_id": knownvalue.StringExact(userID), "name": knownvalue.StringExact("Ann"), "invitation_id": knownvalue.Null()}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact("bob@example.com"), "status": knownvalue.StringExact("pending"),
						"user_id": knownvalue.Null(), "role_ids": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(member)})}),
				})),
				statecheck.ExpectKnownValue("data.iam_clickhouse_organization_member.by_email", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue("data.iam_clickhouse_organization_member.by_id", tfjsonpath.New("email"), knownvalue.StringExact("ann@example.com")),
			},
		}},
	})
}
