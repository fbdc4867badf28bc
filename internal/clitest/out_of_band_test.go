package clitest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// TestCLIChangesBetweenPlanAndApply changes the account after `terraform plan -out` and before
// `terraform apply` of that plan: a membership changed, a group renamed, a member removed. Each
// apply either fails with an error that says what happened, changing nothing it was not sure of,
// or produces the configured result; never a silent wipe. A fresh apply then converges.
func TestCLIChangesBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	ctx := context.Background()
	c := e.client(t)
	opts := e.Opts
	opts.RequestsPerSecond, opts.AdditiveEvery = 100, 2
	e.apply(t, Config(faultSize, opts))
	acct := opts.AccountID
	groupID := func(name string) string {
		t.Helper()
		g, err := c.UserGroups.FindByName(ctx, acct, name)
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	memberID := func(i int) string {
		t.Helper()
		m, err := c.Members.FindByEmail(ctx, acct, MemberEmail(i))
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	planFile := filepath.Join(e.WS.Dir, "saved.tfplan")
	planThen := func(o ConfigOptions, between func()) *Result {
		t.Helper()
		if err := e.WS.WriteConfig(Config(faultSize, o)); err != nil {
			t.Fatal(err)
		}
		e.terraform(t, "plan", "-out="+planFile)
		between()
		res, err := e.WS.Run(ctx, "apply", "-input=false", "-no-color", planFile)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// 1. An exclusive membership the plan changes gets a member added outside Terraform: the PUT
	// would remove them without the plan having shown it, so the apply stops.
	changed := opts
	changed.ChangedMemberships = 2 // group-004 (exclusive) and group-005 (additive)
	g4 := groupID("group-004")
	outsider := memberID(20) // group-004 holds members 28, 29, 0, 1 (and 2 after the change)
	res := planThen(changed, func() {
		if _, err := c.GroupMembers.Create(ctx, acct, g4, []string{outsider}); err != nil {
			t.Fatal(err)
		}
	})
	if res.ExitCode == 0 || !strings.Contains(res.Output, "User group members changed since the plan") {
		t.Fatalf("apply of a stale plan over a changed exclusive membership did not stop:\n%s", tail(res.Output, 30))
	}
	if ids, _ := e.Server.GroupMemberIDs(acct, g4); !strings.Contains(strings.Join(ids, ","), outsider) {
		t.Fatal("the member added outside Terraform was removed by the stale plan")
	}
	e.terraform(t, "apply", "-auto-approve") // a fresh plan shows the outsider's removal, then converges
	if err := e.checkAccount(t, faultSize, changed); err != nil {
		t.Fatal(err)
	}

	// 2. A group the plan renames is renamed outside Terraform in between: the apply sets the
	// configured name and policies (the plan's intent), a correct result.
	renamed := changed
	renamed.RenamedGroups = 1
	res = planThen(renamed, func() {
		name := "hijacked"
		if _, err := c.UserGroups.Update(ctx, acct, groupID("group-000"), client.UserGroupUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
	})
	if res.ExitCode != 0 {
		t.Fatalf("apply after a rename in between failed:\n%s", tail(res.Output, 30))
	}
	if err := e.checkAccount(t, faultSize, renamed); err != nil {
		t.Fatal(err)
	}
	e.expectEmptyPlan(t)

	// 3. The plan changes every member's role; one member is removed outside Terraform in between:
	// that update fails and says the member is gone; the rest apply; a fresh apply re-adds it.
	newRole := renamed
	newRole.RoleID = e.Server.RoleIDByName("Billing")
	victim := memberID(3)
	res = planThen(newRole, func() {
		if err := c.Members.Delete(ctx, acct, victim); err != nil {
			t.Fatal(err)
		}
	})
	if res.ExitCode == 0 || !strings.Contains(res.Output, "deleted outside Terraform after the plan was made") {
		t.Fatalf("apply over a member removed in between did not say so:\n%s", tail(res.Output, 30))
	}
	e.terraform(t, "apply", "-auto-approve")
	if err := e.checkAccount(t, faultSize, newRole); err != nil {
		t.Fatal(err)
	}
	e.expectEmptyPlan(t)
	writeSummary(t, "changes between plan and apply: stale exclusive membership refused, rename and removed member converge")
}
