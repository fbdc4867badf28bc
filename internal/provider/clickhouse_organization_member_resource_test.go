package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

const chOrgID = emulator.DefaultClickHouseOrgID

// ClickHouseProviderConfig is a provider block with only the clickhouse block: ClickHouse
// resources need no Cloudflare credentials.
func (e *testEnv) ClickHouseProviderConfig() string {
	return fmt.Sprintf(`
provider "iam" {
  clickhouse {
    organization_id     = %q
    token_key           = %q
    token_secret        = %q
    api_url             = "%s%s"
    requests_per_second = 100 # the limiter and the API's 10 per 10 s have their own tests
  }
}
`, chOrgID, emulator.DefaultClickHouseKeyID, emulator.DefaultClickHouseKeySecret, e.URL, emulator.ClickHousePrefix)
}

// ClickHouseClient talks to the emulator's ClickHouse API directly, for changes made outside Terraform.
func (e *testEnv) ClickHouseClient(t testing.TB) *client.ClickHouse {
	t.Helper()
	c, err := client.NewClickHouse(client.ClickHouseConfig{Config: client.Config{BaseURL: e.URL + emulator.ClickHousePrefix, RequestsPerSecond: 1000},
		KeyID: emulator.DefaultClickHouseKeyID, KeySecret: emulator.DefaultClickHouseKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func chMemberConfig(env *testEnv, email string, roles ...string) string {
	refs := make([]string, 0, len(roles))
	for _, r := range roles {
		refs = append(refs, fmt.Sprintf("data.iam_clickhouse_roles.all.ids_by_name[%q]", r))
	}
	return env.ClickHouseProviderConfig() + fmt.Sprintf(`
data "iam_clickhouse_roles" "all" {}

resource "iam_clickhouse_organization_member" "ann" {
  email    = %q
  role_ids = [%s]
}
`, email, strings.Join(refs, ", "))
}

func chRequests(env *testEnv, method, path string) int {
	return env.Server.CountRequests(method, emulator.ClickHousePrefix+"/organizations/"+chOrgID+path)
}

// The whole life of a ClickHouse membership through the real terraform CLI: invite, role change
// while pending (a new invitation), acceptance outside Terraform (no drift), role change while
// active (one PATCH that survives the read lag), import by email and by user ID, removal outside
// Terraform (planned re-invite), expiry (planned re-invite), destroy.
func TestAccClickHouseOrganizationMember(t *testing.T) {
	env := newTestEnv(t, emulator.Options{ClickHousePatchLag: 1500 * time.Millisecond})
	const addr = "iam_clickhouse_organization_member.ann"
	status := func(want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(want))
	}
	invitationsAre := func(want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := env.Server.ClickHouseInvitationEmails(chOrgID); !slices.Equal(got, want) {
				return fmt.Errorf("invitations = %v, want %v", got, want)
			}
			return nil
		}
	}
	var userID string
	var patches int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if m, inv := env.Server.ClickHouseMembers(chOrgID), env.Server.ClickHouseInvitationEmails(chOrgID); len(m)+len(inv) != 0 {
				return fmt.Errorf("after destroy: members %v, invitations %v", m, inv)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // invite; the configured spelling of the email stays, the API stores it lowercased
				Config: chMemberConfig(env, "Ann@Example.com", "Member"),
				ConfigStateChecks: []statecheck.StateCheck{
					status("pending"),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact("Ann@Example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(chOrgID+"/ann@example.com")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("role_ids"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(emulator.ClickHouseRoleIDByName("Member"))})),
				},
				Check: invitationsAre("ann@example.com"),
			},
			{ // role change while pending: revoke and re-invite, in place, still one invitation
				Config: chMemberConfig(env, "Ann@Example.com", "Billing", "Member"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{status("pending")},
				Check:             invitationsAre("ann@example.com"),
			},
			{ // accepted in the UI: not drift, no request that writes
				PreConfig: func() {
					var err error
					if userID, err = env.Server.AcceptClickHouseInvitation(chOrgID, "ann@example.com", "Ann Example"); err != nil {
						t.Fatal(err)
					}
				},
				Config:             chMemberConfig(env, "Ann@Example.com", "Billing", "Member"),
				ConfigPlanChecks:   resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks:  []statecheck.StateCheck{status("active")},
				Check:              invitationsAre(),
				ExpectNonEmptyPlan: false,
			},
			{ // role change while active: one PATCH; reads lag 1.5 s behind it, the next plan is empty
				PreConfig: func() { patches = chRequests(env, http.MethodPatch, "/members/") },
				Config:    chMemberConfig(env, "ann@example.com", "Admin"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					status("active"),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Ann Example")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitation_id"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if n := chRequests(env, http.MethodPatch, "/members/") - patches; n != 1 {
						return fmt.Errorf("%d PATCH requests, want 1", n)
					}
					if ms := env.Server.ClickHouseMembers(chOrgID); len(ms) != 1 || !slices.Equal(ms[0].Roles, []string{emulator.ClickHouseRoleIDByName("Admin")}) {
						return fmt.Errorf("members = %+v, want ann as Admin", ms)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateId: chOrgID + "/ANN@example.com"},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateIdFunc: func(*terraform.State) (string, error) { return chOrgID + "/" + userID, nil }},
			{ResourceName: addr, ImportState: true, ImportStateId: "ann@example.com", ImportStateVerify: true}, // organization from the provider
			{ // removed outside Terraform: the plan invites again
				PreConfig: func() {
					if err := env.ClickHouseClient(t).Members.Delete(context.Background(), chOrgID, userID); err != nil {
						t.Fatal(err)
					}
				},
				Config:             chMemberConfig(env, "ann@example.com", "Admin"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:            chMemberConfig(env, "ann@example.com", "Admin"),
				ConfigStateChecks: []statecheck.StateCheck{status("pending")},
				Check:             invitationsAre("ann@example.com"),
			},
			{ // the invitation expires: shown as a planned re-invite, and still one invitation after it
				PreConfig: func() {
					if err := env.Server.ExpireClickHouseInvitation(chOrgID, "ann@example.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config: chMemberConfig(env, "ann@example.com", "Admin"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{status("pending")},
				Check:             invitationsAre("ann@example.com"),
			},
		},
	})
}

// Creating someone who is already a member, or already invited, fails with the import ID.
func TestAccClickHouseOrganizationMemberExists(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ch := env.ClickHouseClient(t)
	for _, email := range []string{"ann@example.com", "bob@example.com"} {
		if _, err := ch.Invitations.Create(context.Background(), chOrgID, client.InvitationCreate{Email: email,
			RoleIDs: []string{emulator.ClickHouseRoleIDByName("Member")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Server.AcceptClickHouseInvitation(chOrgID, "ann@example.com", ""); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: chMemberConfig(env, "ANN@example.com", "Member"),
				ExpectError: regexp.MustCompile(`(?s)Already Exists.*already a member.*terraform import <resource address> ` + chOrgID + `/ann@example.com`)},
			{Config: strings.ReplaceAll(chMemberConfig(env, "bob@example.com", "Member"), "ann", "bob"),
				ExpectError: regexp.MustCompile(`(?s)already has a pending invitation.*` + chOrgID + `/bob@example.com`)},
		},
	})
	if got := env.Server.ClickHouseInvitationEmails(chOrgID); !slices.Equal(got, []string{"bob@example.com"}) {
		t.Errorf("invitations = %v; want only bob's, sent before", got)
	}
}

func invite(t *testing.T, ch *client.ClickHouse, email string, roles ...string) {
	t.Helper()
	if _, err := ch.Invitations.Create(context.Background(), chOrgID, client.InvitationCreate{Email: email, RoleIDs: roles}); err != nil {
		t.Fatal(err)
	}
}

// Faults on the ClickHouse API (429 with X-RateLimit-Reset, 500/502/503, answers dropped after the
// invitation was created) while five people are invited, one role is changed and everything is
// destroyed: each run ends with exactly one invitation per person and an empty plan.
func TestAccClickHouseFaults(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.Server.SetFaults(emulator.Faults{Seed: 12, PathContains: emulator.ClickHousePrefix, RateLimitRatio: 0.1, ServerErrorRatio: 0.1, DropAfterRatio: 0.1})
	emails := []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"}
	config := func(role string) string {
		return env.ClickHouseProviderConfig() + fmt.Sprintf(`
data "iam_clickhouse_roles" "all" {}

locals {
  emails = %s
}

resource "iam_clickhouse_organization_member" "m" {
  count    = length(local.emails)
  email    = local.emails[count.index]
  role_ids = [data.iam_clickhouse_roles.all.ids_by_name[count.index == 0 ? %q : "Member"]]
}
`, "[\""+strings.Join(emails, "\", \"")+"\"]", role)
	}
	exactlyOneEach := func(*terraform.State) error {
		if got := env.Server.ClickHouseInvitationEmails(chOrgID); !slices.Equal(got, emails) {
			return fmt.Errorf("invitations = %v, want one for each of %v", got, emails)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := env.Server.ClickHouseInvitationEmails(chOrgID); len(got) != 0 {
				return fmt.Errorf("after destroy: invitations %v", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config("Member"), Check: exactlyOneEach,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{Config: config("Admin"), Check: exactlyOneEach,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	injected := env.Server.FaultsInjected()
	for _, k := range []emulator.FaultKind{emulator.FaultRateLimit, emulator.FaultServerError, emulator.FaultDropAfter} {
		if injected[k] == 0 {
			t.Errorf("no %s fault was injected (%v): the test proved nothing about it", k, injected)
		}
	}
	t.Logf("TestAccClickHouseFaults: 5 invitations, a role change and destroy under %v faults: one invitation each, empty plans", injected)
}

// A no-change plan of many ClickHouse members reads the organization once: one listing of members
// and one of invitations, whatever the number of resources (the API does not page, and the run's
// read cache answers every refresh from them); no write.
func TestAccClickHouseRefreshCost(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	const n = 8
	config := env.ClickHouseProviderConfig() + fmt.Sprintf(`
data "iam_clickhouse_roles" "all" {}

resource "iam_clickhouse_organization_member" "m" {
  count    = %d
  email    = "person${count.index}@example.com"
  role_ids = [data.iam_clickhouse_roles.all.ids_by_name["Member"]]
}
`, n)
	count := func() {
		gets := func(suffix string) int {
			return env.Server.CountRequests(http.MethodGet, emulator.ClickHousePrefix+"/organizations/"+chOrgID+suffix)
		}
		members, invitations, roles := gets("/members"), gets("/invitations"), gets("/roles")
		t.Logf("no-change plan of %d ClickHouse members: %d requests (%d member listings, %d invitation listings, %d role listings), %d writes",
			n, len(env.Server.Requests()), members, invitations, roles, env.Server.CountWrites())
		if members != 1 || invitations != 1 || env.Server.CountWrites() != 0 || len(env.Server.Requests()) != 2+roles {
			t.Errorf("a no-change plan of %d members: %d member and %d invitation listings, %d requests in all; want one listing of each "+
				"besides the iam_clickhouse_roles data source's reads, and no write", n, members, invitations, len(env.Server.Requests()))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: env.Server.ResetRequests, Config: config, PlanOnly: true},
			{PreConfig: count, Config: config, PlanOnly: true},
		},
	})
}
