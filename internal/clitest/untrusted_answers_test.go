package clitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// untrustedSize has more members than the provider reads one by one before it lists the account,
// so that both ways of refreshing a member are exercised, and one additive membership.
var untrustedSize = Size{Name: "untrusted", Members: 8, Groups: 1, LargestGroup: 3}

// TestCLIUntrustedAnswers refreshes and plans a configuration while the API's answers mislead: a
// misrouted base_url (the API's 7000 "No route"), a proxy's HTML 404, a member missing from the
// account's listing, a group-members listing whose result is null while its count is not, a member
// listed twice, and the group-members POST answering one object. Nothing may leave the state or
// be planned on the strength of such an answer.
func TestCLIUntrustedAnswers(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{}, "TF_LOG_PROVIDER=WARN")
	opts := e.Opts
	opts.RequestsPerSecond, opts.AdditiveEvery = 100, 1
	e.apply(t, Config(untrustedSize, opts))
	resources := len(stateList(t, e))
	if resources != untrustedSize.Members+2 {
		t.Fatalf("%d resources in state after the apply, want %d", resources, untrustedSize.Members+2)
	}
	refreshOnly := func(o ConfigOptions) *Result {
		t.Helper()
		if err := e.WS.WriteConfig(Config(untrustedSize, o)); err != nil {
			t.Fatal(err)
		}
		res, err := e.WS.Run(context.Background(), "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stateIntact := func(step string) {
		t.Helper()
		if n := len(stateList(t, e)); n != resources {
			t.Fatalf("%s: %d resources left in state, want %d", step, n, resources)
		}
	}

	// 1. A base_url whose path is wrong: the API answers 404 "No route for that URI" for every
	// request. The refresh fails naming the URL and what to check; the state keeps everything.
	wrongPath := opts
	wrongPath.BaseURL = opts.BaseURL + "/client/v5"
	res := refreshOnly(wrongPath)
	if res.ExitCode == 0 || !strings.Contains(res.Output, "base_url") || !strings.Contains(res.Output, wrongPath.BaseURL+"/accounts/") {
		t.Fatalf("refresh through a misrouted base_url did not fail naming the URL and base_url (exit %d):\n%s", res.ExitCode, tail(res.Output, 30))
	}
	stateIntact("misrouted base_url")

	// 2. A proxy answering its own HTML 404 page.
	e.Server.SetFaults(emulator.Faults{HTML404Ratio: 1})
	res = refreshOnly(opts)
	e.Server.SetFaults(emulator.Faults{})
	if res.ExitCode == 0 || !strings.Contains(res.Output, "not the API's JSON envelope") {
		t.Fatalf("refresh through a proxy's HTML 404 did not fail (exit %d):\n%s", res.ExitCode, tail(res.Output, 30))
	}
	stateIntact("HTML 404")

	// 3. Members missing from the account's listing (as when it shifts while someone else writes),
	// but there by GET: confirmed, not dropped.
	membersListing := "/accounts/" + opts.AccountID + "/members"
	e.Server.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieOmit}, PathContains: membersListing})
	res = refreshOnly(opts)
	e.Server.SetLies(emulator.Lies{})
	if res.ExitCode != 0 {
		t.Fatalf("refresh with members missing from the listing failed:\n%s", tail(res.Output, 30))
	}
	stateIntact("members missing from the listing")
	e.expectEmptyPlan(t)

	// 4. A group-members listing with result null and a non-zero total_count: the plan fails instead
	// of proposing to add the members again.
	e.Server.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieNullResult}, PathContains: "/user_groups/"})
	res, err := e.WS.Run(context.Background(), "plan", "-detailed-exitcode", "-input=false", "-no-color")
	e.Server.SetLies(emulator.Lies{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 1 || !strings.Contains(res.Output, "inconsistent listing") {
		t.Fatalf("plan over a lying group-members listing: exit %d, want 1 (error) naming the inconsistent listing:\n%s", res.ExitCode, tail(res.Output, 30))
	}

	// 5. A member listed twice in the group: a warning that names the API, not a Terraform error
	// blaming the configuration, and no change.
	e.Server.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieDuplicate}, PathContains: "/user_groups/"})
	res = e.expectEmptyPlan(t)
	e.Server.SetLies(emulator.Lies{})
	if !strings.Contains(res.Output, "API Listing Repeated Objects") {
		t.Fatalf("plan over a group listing a member twice shows no warning:\n%s", tail(res.Output, 30))
	}

	// 6. An additive add whose POST answer is one object (the API's reference page) succeeds.
	e.Server.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LiePOSTObject}})
	changed := opts
	changed.ChangedMemberships = 1
	e.apply(t, Config(untrustedSize, changed))
	e.Server.SetLies(emulator.Lies{})
	if err := e.checkAccount(t, untrustedSize, changed); err != nil {
		t.Fatal(err)
	}
	e.expectEmptyPlan(t)
	writeSummary(t, "untrusted answers: refresh through a misrouted base_url and a proxy's HTML 404 fails with the state intact; "+
		"members missing from a listing kept after a GET; a lying listing fails the plan; a repeated member warns; a POST object answer works")
}

// TestCLIMembershipReadInNewGroupWindow imports the membership of a group created a moment ago,
// while the API still answers 404 for the new group's members (the reported short window): the
// group exists, so that 404 is waited out, not taken as a deleted group.
func TestCLIMembershipReadInNewGroupWindow(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{NewGroupMembers404For: 4 * time.Second})
	g, err := e.client(t).UserGroups.Create(context.Background(), e.Opts.AccountID, client.UserGroupCreate{Name: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WS.WriteConfig(ProviderBlock(e.Opts) + `
resource "iam_user_group_membership" "m" {
  user_group_id = "` + g.ID + `"
  members       = []
}
`); err != nil {
		t.Fatal(err)
	}
	res, err := e.WS.Run(context.Background(), "import", "-input=false", "-no-color", "iam_user_group_membership.m", e.Opts.AccountID+"/"+g.ID)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("import of the membership of a new group: %v\n%s", err, tail(res.Output, 30))
	}
	if n := e.Server.CountRequests("GET", "/user_groups/"+g.ID+"/members"); n < 2 {
		t.Fatalf("the import read the members %d times: the 404 window was not exercised", n)
	}
	e.expectEmptyPlan(t)
}

func stateList(t *testing.T, e *cliEnv) []string {
	t.Helper()
	out := strings.TrimSpace(e.terraform(t, "state", "list").Output)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}
