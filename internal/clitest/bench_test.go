package clitest

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// phase is what one terraform command cost.
type phase struct {
	Name        string
	ByMethod    map[string]int
	Total       int
	RateLimited int // answers with HTTP 429
	Members     int // requests to /accounts/{id}/members...
	Groups      int // requests to /iam/user_groups and /iam/user_groups/{id}
	Memberships int // requests to /iam/user_groups/{id}/members...
	Catalog     int // reads of roles, permission groups, resource groups (plan-time ID checks)
	Duration    time.Duration
	PeakRSS     int64         // KiB
	CPU         time.Duration // the provider's
	TotalCPU    time.Duration // terraform's and the provider's
}

func (p phase) writes() int {
	return p.ByMethod[http.MethodPost] + p.ByMethod[http.MethodPut] + p.ByMethod[http.MethodPatch] + p.ByMethod[http.MethodDelete]
}

// runPhase runs one terraform command and counts the requests the emulator saw during it.
func (e *cliEnv) runPhase(t testing.TB, name string, args ...string) phase {
	t.Helper()
	e.Server.ResetRequests()
	res := e.terraform(t, args...)
	p := phase{Name: name, ByMethod: map[string]int{}, Duration: res.Duration, PeakRSS: res.PeakRSS, CPU: res.CPU, TotalCPU: res.TotalCPU}
	for _, r := range e.Server.Requests() {
		p.Total++
		p.ByMethod[r.Method]++
		if r.Status == http.StatusTooManyRequests {
			p.RateLimited++
		}
		switch {
		case strings.HasSuffix(r.Path, "/roles") || strings.Contains(r.Path, "_groups") && !strings.Contains(r.Path, "/user_groups"):
			p.Catalog++
		case strings.Contains(r.Path, "/iam/user_groups/") && strings.Contains(r.Path, "/members"):
			p.Memberships++
		case strings.Contains(r.Path, "/iam/user_groups"):
			p.Groups++
		case strings.Contains(r.Path, "/members"):
			p.Members++
		}
	}
	return p
}

// runBench applies size s, plans without changes, changes 1% of the memberships (at least one),
// and destroys, returning the cost of each step.
func runBench(t testing.TB, e *cliEnv, s Size) []phase {
	t.Helper()
	opts := e.Opts
	if err := e.WS.WriteConfig(Config(s, opts)); err != nil {
		t.Fatal(err)
	}
	apply := e.runPhase(t, "apply", "apply", "-auto-approve")
	plan := e.runPhase(t, "plan, no change", "plan", "-detailed-exitcode") // exit 2 (changes) fails the test
	opts.ChangedMemberships = max(1, s.Groups/100)
	if err := e.WS.WriteConfig(Config(s, opts)); err != nil {
		t.Fatal(err)
	}
	change := e.runPhase(t, fmt.Sprintf("apply, %d membership(s) changed", opts.ChangedMemberships), "apply", "-auto-approve")
	destroy := e.runPhase(t, "destroy", "destroy", "-auto-approve")
	return []phase{apply, plan, change, destroy}
}

// TestCLIBenchSmall is the benchmark at size S with the provider's default settings, against an
// emulator that enforces the API's rate limit (1200 requests per 5 minutes) scaled down to 240 per
// minute, which the whole run (about 230 requests in about a minute) reaches without the
// limiter: it asserts request counts, never times.
func TestCLIBenchSmall(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{RateLimit: 240, RateWindow: time.Minute})
	s, _ := SizeByName("S")
	phases := runBench(t, e, s)
	limited := 0
	for _, p := range phases {
		limited += p.RateLimited
		t.Logf("%-32s %4d requests %v, %d answered 429", p.Name, p.Total, p.ByMethod, p.RateLimited)
		if p.RateLimited != 0 {
			t.Errorf("%s: %d requests answered 429; the limiter should keep under the API's limit", p.Name, p.RateLimited)
		}
	}
	apply, plan, change, destroy := phases[0], phases[1], phases[2], phases[3]

	// Creates cost one request each: one POST per member and group, one PUT per membership.
	if got, want := apply.ByMethod[http.MethodPost], s.Members+s.Groups; got != want {
		t.Errorf("apply: %d POST requests, want %d (one per member and group)", got, want)
	}
	if got := apply.ByMethod[http.MethodPut]; got != s.Groups {
		t.Errorf("apply: %d PUT requests, want %d (one per membership)", got, s.Groups)
	}
	// No read after a create; before its first create the apply lists the members and the groups
	// once (one page each here), which is what lets a create with an unknown outcome prove that what
	// it finds afterwards was not there before.
	if reads := apply.ByMethod[http.MethodGet] - apply.Catalog; reads != 2 {
		t.Errorf("apply: %d reads of members, groups or memberships, want 2 (one listing of each kind before the creates, no read after them)", reads)
	}
	// The plan-time ID checks read each catalogue once per provider process (terraform plans again,
	// in a second process, during apply).
	if apply.Catalog > 6 {
		t.Errorf("apply: %d catalogue reads, want at most 6", apply.Catalog)
	}
	// A no-change plan reads members and groups from a few pages, and each membership in one page.
	if plan.writes() != 0 {
		t.Errorf("plan: %d writes", plan.writes())
	}
	if got := plan.Members + plan.Groups; got >= 60 {
		t.Errorf("plan: %d requests for members and groups, want fewer than 60", got)
	}
	if plan.Memberships != s.Groups {
		t.Errorf("plan: %d membership reads, want %d (one page per membership)", plan.Memberships, s.Groups)
	}
	// A membership change is exactly one PUT.
	if got := change.writes(); got != 1 || change.ByMethod[http.MethodPut] != 1 {
		t.Errorf("1%% change: %d writes %v, want exactly one PUT", got, change.ByMethod)
	}
	if got, want := destroy.ByMethod[http.MethodDelete], s.Members+s.Groups; got != want {
		t.Errorf("destroy: %d DELETE requests, want %d", got, want)
	}
	if n := len(e.Server.MemberIDs(e.Opts.AccountID)) + len(e.Server.Groups(e.Opts.AccountID)); n != 0 {
		t.Errorf("after destroy the account still has %d members and groups", n)
	}
	writeSummary(t, fmt.Sprintf("cli bench S: plan %d requests (members+groups %d, memberships %d), 1%% change %d write, %d x 429",
		plan.Total, plan.Members+plan.Groups, plan.Memberships, change.writes(), limited))
}

// TestCLIBenchReport measures the sizes listed in IAM_BENCH_SIZES (for example "S,M,L") and
// prints the README's table. scripts/bench.sh runs it; make test does not.
func TestCLIBenchReport(t *testing.T) {
	sizes := os.Getenv("IAM_BENCH_SIZES")
	if sizes == "" {
		t.Skip("set IAM_BENCH_SIZES=S,M,L to run the CLI benchmark (make bench does)")
	}
	var b strings.Builder
	var legend []string
	b.WriteString("| size | step | requests (GET/POST/PUT/DELETE) | members+groups requests | membership requests | wall time | terraform CPU | provider CPU | provider peak RSS |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, name := range strings.Split(sizes, ",") {
		s, ok := SizeByName(strings.TrimSpace(name))
		if !ok {
			t.Fatalf("unknown size %q: use S, M or L", name)
		}
		// No server-side rate limit and a high client rate: this measures the provider, not the
		// API's quota (at the default 4 requests per second an L apply takes ten minutes by design).
		e := newCLIEnv(t, emulator.Options{})
		e.Opts.RequestsPerSecond = 100
		validate := e.validateTime(t, s)
		for _, p := range runBench(t, e, s) {
			fmt.Fprintf(&b, "| %s | %s | %d (%d/%d/%d/%d) | %d | %d | %.1f s | %.1f s | %.1f s | %d MiB |\n",
				s.Name, p.Name, p.Total,
				p.ByMethod[http.MethodGet], p.ByMethod[http.MethodPost], p.ByMethod[http.MethodPut], p.ByMethod[http.MethodDelete],
				p.Members+p.Groups, p.Memberships, p.Duration.Seconds(), max(0, p.TotalCPU-p.CPU).Seconds(), p.CPU.Seconds(), p.PeakRSS/1024)
		}
		fmt.Fprintf(&b, "| %s | terraform validate | 0 | 0 | 0 | %.2f s | | | |\n", s.Name, validate.Seconds())
		legend = append(legend, fmt.Sprintf("%s = %d members, %d groups, %d memberships holding %d (group, member) pairs",
			s.Name, s.Members, s.Groups, s.Groups, s.MembershipEntries()))
	}
	b.WriteString("\n" + strings.Join(legend, "; ") + ".\n")
	fmt.Println(b.String())
	if out := os.Getenv("IAM_BENCH_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// validateTime is the time of `terraform validate`: provider start-up and schema load.
func (e *cliEnv) validateTime(t testing.TB, s Size) time.Duration {
	t.Helper()
	if err := e.WS.WriteConfig(Config(s, e.Opts)); err != nil {
		t.Fatal(err)
	}
	best := time.Duration(0)
	for range 3 {
		res, err := e.WS.Run(context.Background(), "validate", "-no-color")
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("terraform validate: %v %s", err, res.Output)
		}
		if best == 0 || res.Duration < best {
			best = res.Duration
		}
	}
	return best
}

// bulkComparison is the cost of n people as n iam_account_member resources and as one
// iam_account_members, at the same requests_per_second, in separate emulators.
type bulkComparison struct {
	Members int
	Singles []phase // apply, plan, destroy
	Bulk    []phase // apply, plan, one role changed, destroy
}

// runBulkBench measures n people both ways.
func runBulkBench(t testing.TB, n int, rps float64) bulkComparison {
	t.Helper()
	out := bulkComparison{Members: n}

	singles := newCLIEnv(t, emulator.Options{})
	singles.Opts.RequestsPerSecond = rps
	if err := singles.WS.WriteConfig(MembersConfig(n, singles.Opts)); err != nil {
		t.Fatal(err)
	}
	out.Singles = []phase{
		singles.runPhase(t, "apply", "apply", "-auto-approve"),
		singles.runPhase(t, "plan, no change", "plan", "-detailed-exitcode"),
		singles.runPhase(t, "destroy", "destroy", "-auto-approve"),
	}

	bulk := newCLIEnv(t, emulator.Options{})
	bulk.Opts.RequestsPerSecond = rps
	if err := bulk.WS.WriteConfig(BulkConfig(n, bulk.Opts, "")); err != nil {
		t.Fatal(err)
	}
	apply := bulk.runPhase(t, "apply", "apply", "-auto-approve")
	plan := bulk.runPhase(t, "plan, no change", "plan", "-detailed-exitcode")
	if err := bulk.WS.WriteConfig(BulkConfig(n, bulk.Opts, bulk.Server.RoleIDByName("Administrator Read Only"))); err != nil {
		t.Fatal(err)
	}
	change := bulk.runPhase(t, "apply, 1 role changed", "apply", "-auto-approve")
	destroy := bulk.runPhase(t, "destroy", "destroy", "-auto-approve")
	out.Bulk = []phase{apply, plan, change, destroy}
	if left := len(bulk.Server.MemberIDs(bulk.Opts.AccountID)) + len(singles.Server.MemberIDs(singles.Opts.AccountID)); left != 0 {
		t.Errorf("after destroy the accounts still hold %d members", left)
	}
	return out
}

// check asserts the request counts of the bulk side: one POST per person, a no-change plan of one
// paged listing (50 per page) and at most 10 more requests, one PUT for one changed role, one
// DELETE per person.
func (c bulkComparison) check(t testing.TB) {
	t.Helper()
	apply, plan, change, destroy := c.Bulk[0], c.Bulk[1], c.Bulk[2], c.Bulk[3]
	if got := apply.ByMethod[http.MethodPost]; got != c.Members || apply.writes() != c.Members {
		t.Errorf("bulk apply: %d POST of %d writes, want %d POST only", got, apply.writes(), c.Members)
	}
	if limit := (c.Members+49)/50 + 10; plan.Total > limit || plan.writes() != 0 {
		t.Errorf("bulk no-change plan: %d requests (%d writes), want at most %d and no write", plan.Total, plan.writes(), limit)
	}
	if change.writes() != 1 || change.ByMethod[http.MethodPut] != 1 {
		t.Errorf("bulk, one role changed: writes %v, want exactly one PUT", change.ByMethod)
	}
	if got := destroy.ByMethod[http.MethodDelete]; got != c.Members || destroy.writes() != c.Members {
		t.Errorf("bulk destroy: %d DELETE of %d writes, want %d DELETE only", got, destroy.writes(), c.Members)
	}
}

// table renders both sides and the wall-time ratios.
func (c bulkComparison) table() string {
	var b strings.Builder
	b.WriteString("| people | shape | step | requests (GET/POST/PUT/DELETE) | wall time | terraform CPU | provider CPU | provider peak RSS |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	row := func(shape string, p phase) {
		fmt.Fprintf(&b, "| %d | %s | %s | %d (%d/%d/%d/%d) | %.1f s | %.1f s | %.1f s | %d MiB |\n", c.Members, shape, p.Name, p.Total,
			p.ByMethod[http.MethodGet], p.ByMethod[http.MethodPost], p.ByMethod[http.MethodPut], p.ByMethod[http.MethodDelete],
			p.Duration.Seconds(), max(0, p.TotalCPU-p.CPU).Seconds(), p.CPU.Seconds(), p.PeakRSS/1024)
	}
	for _, p := range c.Singles {
		row(fmt.Sprintf("%d × iam_account_member", c.Members), p)
	}
	for _, p := range c.Bulk {
		row("1 × iam_account_members", p)
	}
	fmt.Fprintf(&b, "\nWall time of iam_account_members relative to iam_account_member: apply %.2f, destroy %.2f.\n",
		c.Bulk[0].Duration.Seconds()/c.Singles[0].Duration.Seconds(), c.Bulk[3].Duration.Seconds()/c.Singles[2].Duration.Seconds())
	return b.String()
}

// TestCLIBenchBulkSmall is the bulk comparison at size S (50 people), asserting request counts
// (never times).
func TestCLIBenchBulkSmall(t *testing.T) {
	t.Parallel()
	s, _ := SizeByName("S")
	c := runBulkBench(t, s.Members, 100)
	c.check(t)
	t.Log("\n" + c.table())
	writeSummary(t, fmt.Sprintf("cli bench bulk S: %d people, no-change plan %d requests, 1 role changed %d write",
		c.Members, c.Bulk[1].Total, c.Bulk[2].writes()))
}

// TestCLIBenchBulkReport is the bulk comparison for IAM_BENCH_BULK people (make bench: the L size's
// 2,000), at requests_per_second = 100 on both sides; it checks the request counts and prints the
// table. make test does not run it.
func TestCLIBenchBulkReport(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("IAM_BENCH_BULK"))
	if err != nil || n <= 0 {
		t.Skip("set IAM_BENCH_BULK=2000 to run the bulk comparison (make bench does)")
	}
	c := runBulkBench(t, n, 100)
	c.check(t)
	fmt.Println(c.table())
	if out := os.Getenv("IAM_BENCH_BULK_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(c.table()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
