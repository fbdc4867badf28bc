package clitest

import (
	"context"
	"fmt"
	"slices"
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
