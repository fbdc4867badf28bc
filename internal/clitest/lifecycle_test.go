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

// peopleConfig is one exclusive group whose members are the people of the list, declared with
// for_each (byCount false) or count.
func peopleConfig(e *cliEnv, byCount bool, people ...string) string {
	quoted := make([]string, len(people))
	for i, p := range people {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	member := `resource "iam_account_member" "p" {
  for_each = toset(local.people)
  email    = each.value
  roles    = [%q]
}`
	if byCount {
		member = `resource "iam_account_member" "p" {
  count = length(local.people)
  email = local.people[count.index]
  roles = [%q]
}`
	}
	return ProviderBlock(e.Opts) + fmt.Sprintf(`
locals {
  people = [%s]
}

`+member+`

resource "iam_user_group" "team" {
  name = "team"
}

resource "iam_user_group_membership" "team" {
  user_group_id = iam_user_group.team.id
  members       = [for p in iam_account_member.p : p.id]
}
`, strings.Join(quoted, ", "), e.Opts.RoleID)
}

// groupEmails returns the emails of the members of the group called name, sorted.
func (e *cliEnv) groupEmails(t testing.TB, name string) []string {
	t.Helper()
	ctx := context.Background()
	c := e.client(t)
	g, err := c.UserGroups.FindByName(ctx, e.Opts.AccountID, name)
	if err != nil {
		t.Fatal(err)
	}
	members, err := c.GroupMembers.ListAll(ctx, e.Opts.AccountID, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(members))
	for _, m := range members {
		out = append(out, m.Email)
	}
	slices.Sort(out)
	return out
}

// TestCLIOffboarding removes people who sit in an exclusive group, the most common change there
// is: terraform destroys the member (which the API also drops from the group) before it updates
// the membership. Each apply must succeed in one go, for a for_each list shrinking, a count
// shrinking and a member replaced by an email change, and the next plan must be empty.
func TestCLIOffboarding(t *testing.T) {
	t.Parallel()
	for _, byCount := range []bool{false, true} {
		t.Run(map[bool]string{false: "for_each", true: "count"}[byCount], func(t *testing.T) {
			t.Parallel()
			e := newCLIEnv(t, emulator.Options{})
			steps := []struct {
				what   string
				people []string
			}{
				{"three people", []string{"ann@example.com", "bob@example.com", "cat@example.com"}},
				{"the last one leaves", []string{"ann@example.com", "bob@example.com"}},
				{"one changes email (replaced)", []string{"ann@example.com", "rob@example.com"}},
				{"the first one leaves", []string{"rob@example.com"}},
			}
			for _, s := range steps {
				if err := e.WS.WriteConfig(peopleConfig(e, byCount, s.people...)); err != nil {
					t.Fatal(err)
				}
				res, err := e.WS.Run(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color")
				if err != nil {
					t.Fatal(err)
				}
				if res.ExitCode != 0 {
					t.Fatalf("%s: the apply failed:\n%s", s.what, tail(res.Output, 30))
				}
				if got := e.groupEmails(t, "team"); !slices.Equal(got, s.people) {
					t.Fatalf("%s: the group holds %v, want %v", s.what, got, s.people)
				}
				e.expectEmptyPlan(t)
			}
		})
	}
	writeSummary(t, "offboarding: for_each and count shrinking and an email change apply in one go")
}

// TestCLIRemovalsNamedInPlan: an exclusive membership that takes members it never managed out of a
// group, with exclusive turned on over members managed elsewhere and with a new exclusive
// membership on a group that already has members, names them by email in the plan (the computed
// members_to_remove in the diff and a warning); a saved plan whose group gained a member since is
// refused; after the apply the next plan is empty.
func TestCLIRemovalsNamedInPlan(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	ctx := context.Background()
	c := e.client(t)
	acct := e.Opts.AccountID
	outsider := func(email string) string {
		t.Helper()
		m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: email, Roles: []string{e.Opts.RoleID}})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	o1, o2, o3 := outsider("outside1@example.com"), outsider("outside2@example.com"), outsider("late@example.com")
	legacy, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "legacy"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GroupMembers.Create(ctx, acct, legacy.ID, []string{o1, o2}); err != nil {
		t.Fatal(err)
	}
	config := func(exclusive bool, withLegacy bool) string {
		s := ProviderBlock(e.Opts) + fmt.Sprintf(`
resource "iam_account_member" "own" {
  email = "own@example.com"
  roles = [%q]
}

resource "iam_user_group" "team" {
  name = "team"
}

resource "iam_user_group_membership" "team" {
  user_group_id = iam_user_group.team.id
  exclusive     = %t
  members       = [iam_account_member.own.id]
}
`, e.Opts.RoleID, exclusive)
		if withLegacy {
			s += fmt.Sprintf(`
resource "iam_user_group_membership" "legacy" {
  user_group_id = %q
  members       = [iam_account_member.own.id]
}
`, legacy.ID)
		}
		return s
	}
	expectNamed := func(out string, emails ...string) {
		t.Helper()
		for _, want := range []string{"members_to_remove", "Warning: User Group Members Will Be Removed"} {
			if !strings.Contains(out, want) {
				t.Fatalf("the plan does not show %q:\n%s", want, tail(out, 60))
			}
		}
		for _, email := range emails {
			if n := strings.Count(out, email); n < 2 { // in the diff and in the warning
				t.Fatalf("the plan names %s %d time(s), want it in members_to_remove and in the warning:\n%s", email, n, tail(out, 60))
			}
		}
	}

	// 1. exclusive = false -> true on a group holding members managed elsewhere.
	e.apply(t, config(false, false))
	team, err := c.UserGroups.FindByName(ctx, acct, "team")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GroupMembers.Create(ctx, acct, team.ID, []string{o1, o2}); err != nil {
		t.Fatal(err)
	}
	if err := e.WS.WriteConfig(config(true, false)); err != nil {
		t.Fatal(err)
	}
	planFile := "turn-exclusive.tfplan"
	expectNamed(e.terraform(t, "plan", "-out="+planFile).Output, "outside1@example.com", "outside2@example.com")
	// Someone adds a member after the plan: the saved plan did not name them, so it is refused.
	if _, err := c.GroupMembers.Create(ctx, acct, team.ID, []string{o3}); err != nil {
		t.Fatal(err)
	}
	res, err := e.WS.Run(ctx, "apply", "-input=false", "-no-color", planFile)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode == 0 {
		t.Fatalf("a saved plan applied although the group gained a member since:\n%s", tail(res.Output, 30))
	}
	t.Logf("the stale saved plan was refused:\n%s", tail(res.Output, 25))
	if got := e.groupEmails(t, "team"); !slices.Contains(got, "late@example.com") {
		t.Fatalf("the member added after the plan was removed: %v", got)
	}
	expectNamed(e.terraform(t, "plan", "-out="+planFile).Output, "outside1@example.com", "outside2@example.com", "late@example.com")
	if res, err = e.WS.Run(ctx, "apply", "-input=false", "-no-color", planFile); err != nil || res.ExitCode != 0 {
		t.Fatalf("applying the new plan: %v\n%s", err, tail(res.Output, 30))
	}
	if got := e.groupEmails(t, "team"); !slices.Equal(got, []string{"own@example.com"}) {
		t.Fatalf("team holds %v, want only own@example.com", got)
	}
	e.expectEmptyPlan(t)

	// 2. A new exclusive membership of a group that already has members.
	if err := e.WS.WriteConfig(config(true, true)); err != nil {
		t.Fatal(err)
	}
	expectNamed(e.terraform(t, "plan").Output, "outside1@example.com", "outside2@example.com")
	e.terraform(t, "apply", "-auto-approve")
	if got := e.groupEmails(t, "legacy"); !slices.Equal(got, []string{"own@example.com"}) {
		t.Fatalf("legacy holds %v, want only own@example.com", got)
	}
	e.expectEmptyPlan(t)
	writeSummary(t, "removals named in the plan: exclusive turned on and a new exclusive membership name, by email, the members they remove")
}

// TestCLIRejectedInvitation: a member whose invitation was declined (status "rejected") with
// `status` configured used to show an in-place change on every plan that changed nothing. The plan
// now replaces the member (a new invitation) with a warning that says why; the member's exclusive
// group gets the new member in the same apply; the next plan is empty.
func TestCLIRejectedInvitation(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	ctx := context.Background()
	c := e.client(t)
	acct := e.Opts.AccountID
	e.apply(t, ProviderBlock(e.Opts)+fmt.Sprintf(`
resource "iam_account_member" "invitee" {
  email  = "invitee@example.com"
  roles  = [%q]
  status = "pending"
}

resource "iam_user_group" "team" {
  name = "team"
}

resource "iam_user_group_membership" "team" {
  user_group_id = iam_user_group.team.id
  members       = [iam_account_member.invitee.id]
}
`, e.Opts.RoleID))
	before, err := c.Members.FindByEmail(ctx, acct, "invitee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Server.RejectInvitation(acct, before.ID); err != nil {
		t.Fatal(err)
	}
	plan := e.terraform(t, "plan")
	for _, want := range []string{"iam_account_member.invitee must be replaced", "Warning: Invitation Rejected Or Expired", "sends a new invitation"} {
		if !strings.Contains(plan.Output, want) {
			t.Fatalf("the plan does not say %q:\n%s", want, tail(plan.Output, 40))
		}
	}
	e.terraform(t, "apply", "-auto-approve")
	after, err := c.Members.FindByEmail(ctx, acct, "invitee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if after.ID == before.ID || after.Status != "pending" {
		t.Fatalf("after the apply the member is %s with status %q, want a new invitation (pending)", after.ID, after.Status)
	}
	if got := e.groupEmails(t, "team"); !slices.Equal(got, []string{"invitee@example.com"}) {
		t.Fatalf("the group holds %v after the re-invitation", got)
	}
	e.expectEmptyPlan(t)
	writeSummary(t, "rejected invitation with status configured: replaced (re-invited) with a warning, then an empty plan")
}
