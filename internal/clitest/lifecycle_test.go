package clitest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

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
