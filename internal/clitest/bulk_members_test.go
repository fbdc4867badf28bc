package clitest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// bulkSpec is an iam_account_members block: emails to role IDs.
type bulkSpec struct {
	Name      string
	Exclusive bool
	Members   map[string]string
}

// hcl renders the block with its members in key order.
func (b bulkSpec) hcl() string {
	var s strings.Builder
	fmt.Fprintf(&s, "\nresource \"iam_account_members\" %q {\n  exclusive = %t\n  members = {\n", b.Name, b.Exclusive)
	for _, email := range slices.Sorted(maps.Keys(b.Members)) {
		fmt.Fprintf(&s, "    %q = { roles = [%q] }\n", email, b.Members[email])
	}
	s.WriteString("  }\n}\n")
	return s.String()
}

// bulkPeople is n emails "<prefix>NNN@example.com" with role.
func bulkPeople(prefix string, n int, role string) map[string]string {
	out := map[string]string{}
	for i := range n {
		out[fmt.Sprintf("%s%03d@example.com", prefix, i)] = role
	}
	return out
}

// accountEmails is the account's members by lowercase email (duplicates fail the test).
func (e *cliEnv) accountEmails(t testing.TB) map[string]client.Member {
	t.Helper()
	members, err := client.Collect(e.client(t).Members.List(context.Background(), e.Opts.AccountID, client.MemberListOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]client.Member{}
	for _, m := range members {
		k := strings.ToLower(m.Email)
		if _, dup := out[k]; dup {
			t.Fatalf("the account holds %s twice", m.Email)
		}
		out[k] = m
	}
	return out
}

// writesOf counts the emulator's write requests since the last reset, by method.
func (e *cliEnv) writesOf() map[string]int {
	out := map[string]int{}
	for _, r := range e.Server.Requests() {
		if r.Method != http.MethodGet {
			out[r.Method]++
		}
	}
	return out
}

// applyCounting applies config and returns the writes the apply sent.
func (e *cliEnv) applyCounting(t testing.TB, config string) (*Result, map[string]int) {
	t.Helper()
	e.Server.ResetRequests()
	res := e.apply(t, config)
	return res, e.writesOf()
}

// TestCLIAccountMembers drives iam_account_members through its life on the real CLI: create, one
// role changed (one PUT), one person removed (one DELETE), a key's letter case changed (nothing
// sent), other members of the account never touched, exclusive mode naming every removal by email
// in the plan, the last Super Administrator kept, and destroy removing only its own members.
func TestCLIAccountMembers(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{AllowDirectAccept: true})
	admin, readOnly := e.Opts.RoleID, e.Server.RoleIDByName("Administrator Read Only")
	spec := bulkSpec{Name: "all", Members: bulkPeople("bulk", 20, admin)}
	cfg := func() string { return ProviderBlock(e.Opts) + spec.hcl() }

	// Two keys that differ only in letter case are one person: refused before any request.
	dup := bulkSpec{Name: "all", Members: map[string]string{"Jane@example.com": admin, "jane@example.com": admin}}
	e.expectPlanError(t, ProviderBlock(e.Opts)+dup.hcl(), "Duplicate member email")
	if n := len(e.Server.Requests()); n != 0 {
		t.Errorf("a plan refused for duplicate keys sent %d requests", n)
	}

	if _, w := e.applyCounting(t, cfg()); w[http.MethodPost] != 20 || len(w) != 1 {
		t.Fatalf("create: writes %v, want 20 POST", w)
	}
	if got := len(e.accountEmails(t)); got != 20 {
		t.Fatalf("create: the account holds %d members, want 20", got)
	}
	e.Server.ResetRequests()
	e.expectEmptyPlan(t)
	if n := e.Server.CountRequests(http.MethodGet, "/members"); n > 2 {
		t.Errorf("no-change plan: %d reads of members, want one listing (1 page of 20 at 50 per page)", n)
	}

	spec.Members["bulk003@example.com"] = readOnly
	if _, w := e.applyCounting(t, cfg()); w[http.MethodPut] != 1 || len(w) != 1 {
		t.Errorf("one role changed: writes %v, want exactly one PUT", w)
	}
	if m := e.accountEmails(t)["bulk003@example.com"]; len(m.Roles) != 1 || m.Roles[0].ID != readOnly {
		t.Errorf("bulk003 has roles %v, want %s", m.Roles, readOnly)
	}
	delete(spec.Members, "bulk007@example.com")
	if _, w := e.applyCounting(t, cfg()); w[http.MethodDelete] != 1 || len(w) != 1 {
		t.Errorf("one person removed: writes %v, want exactly one DELETE", w)
	}
	delete(spec.Members, "bulk008@example.com")
	spec.Members["BULK008@example.com"] = admin
	if _, w := e.applyCounting(t, cfg()); len(w) != 0 {
		t.Errorf("a key's letter case changed: writes %v, want none", w)
	}
	e.expectEmptyPlan(t)

	// Members of the account that the resource does not list: never shown, never touched.
	if _, err := e.Server.SeedMembers(e.Opts.AccountID, 3, "other"); err != nil {
		t.Fatal(err)
	}
	if res := e.expectEmptyPlan(t); strings.Contains(res.Output, "other0@") {
		t.Errorf("an additive plan shows a member it does not manage:\n%s", res.Output)
	}

	// exclusive = true: the plan names each person it removes, by email; the apply removes them.
	spec.Exclusive = true
	if err := e.WS.WriteConfig(cfg()); err != nil {
		t.Fatal(err)
	}
	plan := e.terraform(t, "plan")
	for i := range 3 {
		email := fmt.Sprintf("other%d@example.com", i)
		if !regexp.MustCompile(`members_to_remove\s+=\s+\[[^\]]*"` + regexp.QuoteMeta(email)).MatchString(plan.Output) {
			t.Errorf("the exclusive plan does not list %s in members_to_remove:\n%s", email, tail(plan.Output, 60))
		}
		if !strings.Contains(plan.Output, email+" (not managed by this resource)") {
			t.Errorf("the exclusive plan's warning does not name %s", email)
		}
	}
	if _, w := e.applyCounting(t, cfg()); w[http.MethodDelete] != 3 || len(w) != 1 {
		t.Errorf("exclusive: writes %v, want exactly 3 DELETE", w)
	}
	if got := len(e.accountEmails(t)); got != 19 {
		t.Errorf("after exclusive: the account holds %d members, want the 19 configured", got)
	}
	e.expectEmptyPlan(t)

	// The last accepted Super Administrator is never removed: the plan fails and names them.
	c := e.client(t)
	super := e.Server.RoleIDByName("Super Administrator - All Privileges")
	if _, err := c.Members.Create(context.Background(), e.Opts.AccountID, client.MemberCreate{Email: "owner@example.com",
		Roles: []string{super}, Status: "accepted"}); err != nil {
		t.Fatal(err)
	}
	e.expectPlanError(t, cfg(), "Cannot Remove The Last Super Administrator", "owner@example.com")
	spec.Exclusive = false
	if _, w := e.applyCounting(t, cfg()); len(w) != 0 {
		t.Errorf("exclusive turned off: writes %v, want none", w)
	}
	e.expectEmptyPlan(t)

	// Destroy removes the resource's own members only.
	e.Server.ResetRequests()
	e.terraform(t, "destroy", "-auto-approve")
	if left := e.accountEmails(t); len(left) != 1 || left["owner@example.com"].ID == "" {
		t.Errorf("after destroy the account holds %d members, want only owner@example.com", len(left))
	}
	if n := e.writesOf()[http.MethodDelete]; n != 19 {
		t.Errorf("destroy: %d DELETE, want 19", n)
	}
}

// expectPlanError writes config and expects terraform plan to fail naming each of wants.
func (e *cliEnv) expectPlanError(t testing.TB, config string, wants ...string) {
	t.Helper()
	if err := e.WS.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	res, err := e.WS.Run(context.Background(), "plan", "-input=false", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range wants {
		if res.ExitCode == 0 || !strings.Contains(res.Output, want) {
			t.Errorf("plan: exit %d, want a failure naming %q:\n%s", res.ExitCode, want, tail(res.Output, 30))
		}
	}
}

// expectEmptyPlanOf writes config and expects an empty plan.
func (e *cliEnv) expectEmptyPlanOf(t testing.TB, config string) {
	t.Helper()
	if err := e.WS.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	e.expectEmptyPlan(t)
}

// TestCLIAccountMembersPartialFailure: 3 of 200 creates fail. The state records the 197 that
// succeeded and the diagnostics name the 3; the next apply sends exactly the 3 missing POSTs, and
// the account ends with every person once. The same in an update (an error there: only a create
// must not report one, since Terraform would taint and later replace the whole resource).
func TestCLIAccountMembersPartialFailure(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	e.Opts.RequestsPerSecond = 100
	spec := bulkSpec{Name: "all", Members: bulkPeople("p", 200, e.Opts.RoleID)}
	cfg := func() string { return ProviderBlock(e.Opts) + spec.hcl() }
	isCreate := func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/members")
	}

	e.Server.InjectNext(3, emulator.FaultRejected, isCreate)
	res, _ := e.applyCounting(t, cfg())
	failed := failedEmails(res.Output)
	if len(failed) != 3 {
		t.Fatalf("the apply names %d failed members %v, want 3:\n%s", len(failed), failed, tail(res.Output, 40))
	}
	if got := len(e.accountEmails(t)); got != 197 {
		t.Fatalf("the account holds %d members, want 197", got)
	}
	if got := e.stateMemberIDs(t, "all"); len(got) != 197 {
		t.Errorf("the state records %d created members, want the 197", len(got))
	}
	if _, w := e.applyCounting(t, cfg()); w[http.MethodPost] != 3 || len(w) != 1 {
		t.Errorf("the next apply: writes %v, want exactly the 3 missing POSTs", w)
	}
	if got := len(e.accountEmails(t)); got != 200 {
		t.Errorf("the account holds %d members, want 200 (each once)", got)
	}
	e.expectEmptyPlan(t)

	// An update with failures fails the apply and still records what succeeded.
	for email, role := range bulkPeople("q", 10, e.Opts.RoleID) {
		spec.Members[email] = role
	}
	if err := e.WS.WriteConfig(cfg()); err != nil {
		t.Fatal(err)
	}
	e.Server.InjectNext(2, emulator.FaultRejected, isCreate)
	res, err := e.WS.Run(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode == 0 || len(failedEmails(res.Output)) != 2 {
		t.Fatalf("an update with 2 failed creates: exit %d, names %v:\n%s", res.ExitCode, failedEmails(res.Output), tail(res.Output, 30))
	}
	if _, w := e.applyCounting(t, cfg()); w[http.MethodPost] != 2 || len(w) != 1 {
		t.Errorf("the apply after the failed update: writes %v, want exactly 2 POSTs", w)
	}
	if got := len(e.accountEmails(t)); got != 210 {
		t.Errorf("the account holds %d members, want 210", got)
	}
	writeSummary(t, "bulk members partial failure: 3 of 200 creates rejected, state 197, next apply 3 POSTs, no duplicates")
}

// stateMemberIDs reads iam_account_members.<name>'s members with an ID from terraform show -json.
func (e *cliEnv) stateMemberIDs(t testing.TB, name string) map[string]string {
	t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Values  struct {
						Members map[string]struct {
							ID string `json:"id"`
						} `json:"members"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(e.terraform(t, "show", "-json").Output), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Address == "iam_account_members."+name {
			for email, m := range r.Values.Members {
				if m.ID != "" {
					out[email] = m.ID
				}
			}
		}
	}
	return out
}

var failedCreate = regexp.MustCompile(`Cannot add account member (\S+@example\.com)`)

func failedEmails(out string) []string {
	seen := map[string]bool{}
	for _, m := range failedCreate.FindAllStringSubmatch(out, -1) {
		seen[m[1]] = true
	}
	out2 := slices.Collect(maps.Keys(seen))
	sort.Strings(out2)
	return out2
}

// TestCLIAccountMembersImportAndMove moves people from iam_account_member resources into one
// iam_account_members with removed and import blocks (nothing is sent: the import adopts the
// members the configuration lists, and leaves the account's other members alone), then one of them
// back into its own resource the same way.
func TestCLIAccountMembersImportAndMove(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	role := e.Opts.RoleID
	people := []string{"ann@example.com", "bob@example.com", "cy@example.com"}
	var singles strings.Builder
	for i, p := range people {
		fmt.Fprintf(&singles, "\nresource \"iam_account_member\" \"p%d\" {\n  email = %q\n  roles = [%q]\n}\n", i, p, role)
	}
	e.apply(t, ProviderBlock(e.Opts)+singles.String())
	if _, err := e.Server.SeedMembers(e.Opts.AccountID, 2, "stranger"); err != nil {
		t.Fatal(err)
	}
	before := e.accountEmails(t)

	// Without an import, a new iam_account_members never takes over people already in the account;
	// and a person in both kinds of resource is a warning.
	taken := bulkSpec{Name: "all", Members: map[string]string{"ann@example.com": role}}
	e.expectPlanError(t, ProviderBlock(e.Opts)+singles.String()+taken.hcl(), "Account Member Already Exists",
		"Account Member Managed Twice", "ann@example.com of account")

	// Into one iam_account_members: forget the singles, import the bulk resource.
	var move strings.Builder
	move.WriteString(ProviderBlock(e.Opts))
	for i := range people {
		fmt.Fprintf(&move, "\nremoved {\n  from = iam_account_member.p%d\n  lifecycle {\n    destroy = false\n  }\n}\n", i)
	}
	fmt.Fprintf(&move, "\nimport {\n  to = iam_account_members.all\n  id = %q\n}\n", e.Opts.AccountID)
	all := bulkSpec{Name: "all", Members: map[string]string{}}
	for _, p := range people {
		all.Members[p] = role
	}
	move.WriteString(all.hcl())
	res, w := e.applyCounting(t, move.String())
	if len(w) != 0 {
		t.Errorf("moving into iam_account_members: writes %v, want none", w)
	}
	if !strings.Contains(res.Output, "1 imported") {
		t.Errorf("the apply did not import the resource:\n%s", tail(res.Output, 20))
	}
	e.expectEmptyPlanOf(t, ProviderBlock(e.Opts)+all.hcl())
	after := e.accountEmails(t)
	for email, m := range before {
		if after[email].ID != m.ID {
			t.Errorf("%s changed during the move (ID %s -> %s)", email, m.ID, after[email].ID)
		}
	}
	state := e.terraform(t, "state", "list").Output
	if strings.Contains(state, "iam_account_member.") {
		t.Errorf("the singles are still in state:\n%s", state)
	}

	// And ann back into her own resource: forget the bulk resource, import the rest under a new
	// address and ann alone.
	rest := bulkSpec{Name: "rest", Members: map[string]string{"bob@example.com": role, "cy@example.com": role}}
	back := ProviderBlock(e.Opts) + "\nremoved {\n  from = iam_account_members.all\n  lifecycle {\n    destroy = false\n  }\n}\n" +
		fmt.Sprintf("\nimport {\n  to = iam_account_members.rest\n  id = %q\n}\n", e.Opts.AccountID) + rest.hcl() +
		fmt.Sprintf("\nimport {\n  to = iam_account_member.ann\n  id = %q\n}\n", e.Opts.AccountID+"/ann@example.com") +
		fmt.Sprintf("\nresource \"iam_account_member\" \"ann\" {\n  email = \"ann@example.com\"\n  roles = [%q]\n}\n", role)
	if _, w := e.applyCounting(t, back); len(w) != 0 {
		t.Errorf("moving ann back: writes %v, want none", w)
	}
	e.expectEmptyPlanOf(t, ProviderBlock(e.Opts)+rest.hcl()+
		fmt.Sprintf("\nresource \"iam_account_member\" \"ann\" {\n  email = \"ann@example.com\"\n  roles = [%q]\n}\n", role))
	if got := len(e.accountEmails(t)); got != 5 {
		t.Errorf("the account holds %d members, want 5", got)
	}

	// An import with exclusive = true takes the whole account: the plan adopts the people listed
	// and names everyone else for removal, by email.
	everyone := bulkSpec{Name: "everyone", Exclusive: true, Members: rest.Members}
	if err := e.WS.WriteConfig(ProviderBlock(e.Opts) + "\nremoved {\n  from = iam_account_members.rest\n  lifecycle {\n    destroy = false\n  }\n}\n" +
		fmt.Sprintf("\nimport {\n  to = iam_account_members.everyone\n  id = %q\n}\n", e.Opts.AccountID) + everyone.hcl() +
		fmt.Sprintf("\nresource \"iam_account_member\" \"ann\" {\n  email = \"ann@example.com\"\n  roles = [%q]\n}\n", role)); err != nil {
		t.Fatal(err)
	}
	plan := e.terraform(t, "plan").Output
	for _, want := range []string{"1 to import", "stranger0@example.com (not managed by this resource)",
		"stranger1@example.com (not managed by this resource)", "ann@example.com (not managed by this resource)",
		"Existing Account Members Adopted", "Account Member Outside An Exclusive iam_account_members"} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan of an exclusive import does not say %q:\n%s", want, tail(plan, 60))
		}
	}
}
