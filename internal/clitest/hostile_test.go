package clitest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// TestCLISavedDestroyPlanKeepsLateMembers: a saved destroy plan of an exclusive membership names the
// members in its state; someone added to the group after that plan was made is not named in it, so
// applying it must not remove them (it is refused, as a saved update plan is), and a new plan
// names them.
func TestCLISavedDestroyPlanKeepsLateMembers(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	ctx := context.Background()
	c := e.client(t)
	acct := e.Opts.AccountID
	e.apply(t, ProviderBlock(e.Opts)+fmt.Sprintf(`
resource "iam_account_member" "own" {
  email = "own@example.com"
  roles = [%q]
}

resource "iam_user_group" "team" {
  name = "team"
}

resource "iam_user_group_membership" "team" {
  user_group_id = iam_user_group.team.id
  members       = [iam_account_member.own.id]
}
`, e.Opts.RoleID))
	e.terraform(t, "plan", "-destroy", "-target=iam_user_group_membership.team", "-out=destroy.tfplan")
	late, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "late@example.com", Roles: []string{e.Opts.RoleID}})
	if err != nil {
		t.Fatal(err)
	}
	team, err := c.UserGroups.FindByName(ctx, acct, "team")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GroupMembers.Create(ctx, acct, team.ID, []string{late.ID}); err != nil {
		t.Fatal(err)
	}
	res, err := e.WS.Run(ctx, "apply", "-input=false", "-no-color", "destroy.tfplan")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.groupEmails(t, "team"); !slices.Contains(got, "late@example.com") {
		t.Fatalf("the saved destroy plan removed late@example.com, added to the group after the plan and not named in it "+
			"(exit %d); the group holds %v:\n%s", res.ExitCode, got, tail(res.Output, 30))
	}
	if res.ExitCode == 0 {
		t.Fatalf("the stale saved destroy plan applied without a word:\n%s", tail(res.Output, 30))
	}
	// A new destroy reads the group again: the plan shows late@example.com, and the destroy removes them.
	e.terraform(t, "destroy", "-auto-approve")
	writeSummary(t, "a saved destroy plan of an exclusive membership never removes a member added after it was made")
}

// TestCLIRefreshOfNullResultsKeepsState: a proxy (or a broken API) that answers every read with
// success and "result": null must not make a refresh forget or blank objects: not a user group
// (read by its own GET), not a ClickHouse member (read from the organization's listings, which the
// API does not page, so there are no counts to check). The refresh fails; the state is unchanged.
func TestCLIRefreshOfNullResultsKeepsState(t *testing.T) {
	t.Parallel()
	const keyID, secret = "null-key-id", "null-secret-5b7c"
	e := newCLIEnv(t, emulator.Options{ClickHouseKeyID: keyID, ClickHouseKeySecret: secret},
		"CLICKHOUSE_TOKEN_KEY="+keyID, "CLICKHOUSE_TOKEN_SECRET="+secret, "CLICKHOUSE_ORG_ID="+emulator.DefaultClickHouseOrgID)
	e.WS.env = append(e.WS.env, "CLICKHOUSE_API_URL="+e.Opts.BaseURL+emulator.ClickHousePrefix)
	config := func(role string) string {
		return ProviderBlock(e.Opts) + fmt.Sprintf(`
resource "iam_user_group" "team" {
  name = "team"
}

resource "iam_clickhouse_organization_member" "ann" {
  email    = "ann@example.com"
  role_ids = [%s]
}
`, role)
	}
	e.apply(t, config(`data.iam_clickhouse_roles.all.ids_by_name["Member"]`)+`
data "iam_clickhouse_roles" "all" {}

output "role" {
  value = data.iam_clickhouse_roles.all.ids_by_name["Member"]
}
`)
	role := strings.TrimSpace(e.terraform(t, "output", "-raw", "role").Output)
	e.apply(t, config(fmt.Sprintf("%q", role)))
	before := e.terraform(t, "show", "-no-color").Output

	e.Server.SetFaults(emulator.Faults{NullResultRatio: 1, Methods: []string{"GET"}})
	res, err := e.WS.Run(context.Background(), "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	e.Server.SetFaults(emulator.Faults{})
	if after := e.terraform(t, "show", "-no-color").Output; after != before {
		t.Fatalf("a refresh answered with null results changed the state (exit %d):\n%s\n\nstate before:\n%s\nafter:\n%s",
			res.ExitCode, tail(res.Output, 30), before, after)
	}
	if res.ExitCode == 0 {
		t.Fatalf("a refresh answered with null results succeeded:\n%s", tail(res.Output, 30))
	}
	writeSummary(t, "a refresh answered with success and result null fails and keeps the state (user group, ClickHouse member)")
}
