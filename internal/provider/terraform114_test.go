//go:build tf114

// Tests that need Terraform 1.14+ (resource identity in import blocks, list resources and
// `terraform query`). They are built only with the tf114 tag: `make test-tf114 TF=/path/to/terraform`
// runs them, and they fail with one line when that CLI is older. `make test` works with any
// Terraform 1.7+ and tests the same provider code at the protocol level instead.

package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/iamkit/terraform-provider-iam/internal/clitest"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// requireTerraform114 fails the test (never skips it) unless the CLI under test is Terraform 1.14+.
func requireTerraform114(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Fatal("this test needs TF_ACC=1 and Terraform 1.14+: run `make test-tf114 TF=/path/to/terraform`")
	}
	if err := clitest.RequireVersion(os.Getenv("TF_ACC_TERRAFORM_PATH"), 1, 14); err != nil {
		t.Fatal(err)
	}
}

var hexID = knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))

// TestAccTF114Identity: every resource records its identity on create and keeps it on update, and
// an import block naming only the identity imports each of them with no change planned.
func TestAccTF114Identity(t *testing.T) {
	requireTerraform114(t)
	env := newTestEnv(t, emulator.Options{})
	role := env.Server.RoleIDByName("Administrator")
	config := func(groupName string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "iam_account_member" "jane" {
  email = "jane@example.com"
  roles = [%q]
}

resource "iam_user_group" "sre" {
  name = %q
}

resource "iam_user_group_membership" "sre" {
  user_group_id = iam_user_group.sre.id
  members       = [iam_account_member.jane.id]
}
`, role, groupName)
	}
	identityChecks := []statecheck.StateCheck{
		statecheck.ExpectIdentity("iam_account_member.jane", map[string]knownvalue.Check{"account_id": knownvalue.StringExact(env.AccountID), "id": hexID}),
		statecheck.ExpectIdentityValueMatchesState("iam_account_member.jane", tfjsonpath.New("id")),
		statecheck.ExpectIdentity("iam_user_group.sre", map[string]knownvalue.Check{"account_id": knownvalue.StringExact(env.AccountID), "id": hexID}),
		statecheck.ExpectIdentityValueMatchesState("iam_user_group.sre", tfjsonpath.New("id")),
		statecheck.ExpectIdentity("iam_user_group_membership.sre", map[string]knownvalue.Check{"account_id": knownvalue.StringExact(env.AccountID), "user_group_id": hexID}),
		statecheck.ExpectIdentityValueMatchesState("iam_user_group_membership.sre", tfjsonpath.New("user_group_id")),
		statecheck.ExpectIdentityValueMatchesState("iam_user_group_membership.sre", tfjsonpath.New("account_id")),
	}
	steps := []resource.TestStep{
		{Config: config("sre"), ConfigStateChecks: identityChecks},
		{Config: config("site reliability"), ConfigStateChecks: identityChecks}, // an update keeps the identity
	}
	for _, addr := range []string{"iam_account_member.jane", "iam_user_group.sre", "iam_user_group_membership.sre"} {
		steps = append(steps, resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// TestAccTF114Query runs `terraform query` over list blocks of the three list resources with their
// filters, through the real CLI.
func TestAccTF114Query(t *testing.T) {
	requireTerraform114(t)
	env := newTestEnv(t, emulator.Options{})
	ids, err := env.Server.SeedMembers(env.AccountID, 55, "query")
	if err != nil {
		t.Fatal(err)
	}
	groupIDs := map[string]string{}
	for i, name := range []string{"sre", "sre-oncall", "finance"} {
		if groupIDs[name], err = env.Server.SeedGroup(env.AccountID, name, ids[:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig()},
			{
				Query: true,
				Config: `
list "iam_account_member" "all" {
  provider = iam
  limit    = 1000
}

list "iam_account_member" "query5" {
  provider = iam
  config {
    email_contains = "QUERY5"
  }
}

list "iam_user_group" "sre" {
  provider         = iam
  include_resource = true
  config {
    name_contains = "sre"
  }
}

list "iam_user_group_membership" "finance" {
  provider         = iam
  include_resource = true
  config {
    name_contains = "fin"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("iam_account_member.all", 55),
					querycheck.ExpectLength("iam_account_member.query5", 6), // query5, query50..query54
					querycheck.ExpectLength("iam_user_group.sre", 2),
					querycheck.ExpectResourceDisplayName("iam_user_group.sre",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"account_id": knownvalue.StringExact(env.AccountID), "id": knownvalue.StringExact(groupIDs["sre-oncall"])}),
						knownvalue.StringExact("sre-oncall")),
					querycheck.ExpectLength("iam_user_group_membership.finance", 1),
					querycheck.ExpectResourceKnownValues("iam_user_group_membership.finance",
						queryfilter.ByDisplayName(knownvalue.StringExact("members of finance")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("members"), KnownValue: knownvalue.SetSizeExact(3)},
							{Path: tfjsonpath.New("exclusive"), KnownValue: knownvalue.Bool(true)},
						}),
				},
			},
		},
	})
}
