package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

const (
	secretToken = "secret-token-7d0c9f"
	acct        = emulator.DefaultAccountID
)

func newEnv(t *testing.T, opts emulator.Options, cfg client.Config) (*emulator.Server, *client.Client) {
	t.Helper()
	opts.Tokens = []string{secretToken}
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cfg.BaseURL, cfg.APIToken = ts.URL, secretToken
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 5*time.Millisecond
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = 1000
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		cfg  client.Config
		want string
	}{
		{client.Config{BaseURL: "http://api.example.com", APIToken: "t"}, "plain http"},
		{client.Config{BaseURL: "api.example.com", APIToken: "t"}, "absolute"},
		{client.Config{}, "credentials missing"},
		{client.Config{APIToken: "t", APIKey: "k", Email: "e@example.com"}, "not both"},
		{client.Config{APIKey: "k"}, "credentials missing"},
	} {
		if _, err := client.New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := client.New(client.Config{BaseURL: "http://127.0.0.1:1", APIToken: "t"}); err != nil {
		t.Errorf("loopback http: %v", err)
	}
}

func TestMembersService(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	admin, dns := srv.RoleIDByName("Administrator"), srv.RoleIDByName("DNS")
	m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "jane@example.com", Roles: []string{admin}})
	if err != nil || m.Status != "pending" {
		t.Fatalf("Create: %+v %v", m, err)
	}
	if _, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "JANE@example.com", Roles: []string{admin}}); !errors.Is(err, client.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	var apiErr *client.APIError
	_, err = c.Members.Create(ctx, acct, client.MemberCreate{Email: "x@example.com", Roles: []string{admin}, Status: "accepted"})
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrValidation) || apiErr.Errors[0].Code != 1001 {
		t.Fatalf("accepted without entitlement: %v", err)
	}
	if m, err = c.Members.Update(ctx, acct, m.ID, client.MemberUpdate{Roles: []string{dns}}); err != nil || len(m.Roles) != 1 || m.Roles[0].ID != dns {
		t.Fatalf("Update roles: %+v %v", m, err)
	}
	pg, rg := srv.PermissionGroupIDByName("DNS Read"), srv.ResourceGroupIDs(acct)[0]
	m, err = c.Members.Update(ctx, acct, m.ID, client.MemberUpdate{Policies: []client.PolicyInput{{Access: "allow", PermissionGroupIDs: []string{pg}, ResourceGroupIDs: []string{rg}}}})
	if err != nil || len(m.Policies) != 1 || m.Policies[0].PermissionGroups[0].ID != pg {
		t.Fatalf("Update policies: %+v %v", m, err)
	}
	if got, err := c.Members.Get(ctx, acct, m.ID); err != nil || got.Email != "jane@example.com" {
		t.Fatalf("Get: %+v %v", got, err)
	}
	if got, err := c.Members.FindByEmail(ctx, acct, "Jane@Example.COM"); err != nil || got.ID != m.ID {
		t.Fatalf("FindByEmail: %+v %v", got, err)
	}
	if _, err := c.Members.FindByEmail(ctx, acct, "nobody@example.com"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("FindByEmail missing: %v", err)
	}
	if err := c.Members.Delete(ctx, acct, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members.Get(ctx, acct, m.ID); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("Get deleted: %v", err)
	}
}

func TestPaginationReadsEveryPage(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	ids, _ := srv.SeedMembers(acct, 1200, "p")
	srv.ResetRequests()
	all, err := client.Collect(c.Members.List(ctx, acct, client.MemberListOptions{}))
	if err != nil || len(all) != 1200 || srv.CountRequests("GET", "/members") != 24 {
		t.Fatalf("members: %d, %v, %d requests (want 1200 in 24)", len(all), err, srv.CountRequests("GET", "/members"))
	}
	groupID, _ := srv.SeedGroup(acct, "big", ids)
	srv.ResetRequests()
	gm, err := c.GroupMembers.ListAll(ctx, acct, groupID)
	if err != nil || len(gm) != 1200 || srv.CountRequests("GET", "") != 3 {
		t.Fatalf("group members: %d, %v, %d requests (want 1200 in 3)", len(gm), err, srv.CountRequests("GET", ""))
	}
	// A failed page is an error, never a partial list.
	srv.InjectNext(1, emulator.FaultServerError, func(r *http.Request) bool { return strings.Contains(r.URL.RawQuery, "page=2") })
	noRetry, err := client.New(client.Config{BaseURL: c.BaseURL(), APIToken: secretToken, MaxRetries: -1, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := noRetry.GroupMembers.ListAll(ctx, acct, groupID); err == nil || got != nil || !errors.Is(err, client.ErrServer) {
		t.Fatalf("failed page: %d items, %v; want nil and ErrServer", len(got), err)
	}
	// Without result_info, paging stops at the first short page.
	calls := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Query().Get("page") == "1" {
			items := make([]string, 50)
			for i := range items {
				items[i] = fmt.Sprintf(`{"id":"r%d"}`, i)
			}
			_, _ = w.Write([]byte(`{"success":true,"errors":[],"messages":[],"result":[` + strings.Join(items, ",") + `]}`))
			return
		}
		_, _ = w.Write([]byte(`{"success":true,"errors":[],"messages":[],"result":[{"id":"last"}]}`))
	}))
	defer ts.Close()
	bare, _ := client.New(client.Config{BaseURL: ts.URL, APIToken: "t", RequestsPerSecond: 1000})
	roles, err := client.Collect(bare.Roles.List(ctx, acct))
	if err != nil || len(roles) != 51 || calls != 2 {
		t.Fatalf("no result_info: %d roles in %d calls, %v", len(roles), calls, err)
	}
}

func TestUserGroupsAndGroupMembers(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	g, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "ops"})
	if err != nil || g.Name != "ops" {
		t.Fatalf("Create: %+v %v", g, err)
	}
	if _, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "ops"}); !errors.Is(err, client.ErrAlreadyExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	name := "operations"
	if g, err = c.UserGroups.Update(ctx, acct, g.ID, client.UserGroupUpdate{Name: &name}); err != nil || g.Name != name {
		t.Fatalf("rename: %+v %v", g, err)
	}
	if found, err := c.UserGroups.FindByName(ctx, acct, "operations"); err != nil || found.ID != g.ID {
		t.Fatalf("FindByName: %v", err)
	}
	if got, _ := client.Collect(c.UserGroups.List(ctx, acct, client.UserGroupListOptions{FuzzyName: "ERAT"})); len(got) != 1 {
		t.Fatalf("fuzzy list: %d", len(got))
	}
	ids, _ := srv.SeedMembers(acct, 3, "gm")
	if _, err := c.GroupMembers.Create(ctx, acct, g.ID, ids[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GroupMembers.Update(ctx, acct, g.ID, ids[1:]); err != nil {
		t.Fatal(err)
	}
	if m, err := c.GroupMembers.Get(ctx, acct, g.ID, ids[2]); err != nil || m.ID != ids[2] {
		t.Fatalf("Get: %v", err)
	}
	if err := c.GroupMembers.Delete(ctx, acct, g.ID, ids[2]); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.GroupMemberIDs(acct, g.ID); len(got) != 1 {
		t.Fatalf("members: %v", got)
	}
	if _, err := c.GroupMembers.Update(ctx, acct, g.ID, []string{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.GroupMemberIDs(acct, g.ID); len(got) != 0 {
		t.Fatalf("PUT [] left %v", got)
	}
	if err := c.UserGroups.Delete(ctx, acct, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserGroups.Get(ctx, acct, g.ID); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("deleted: %v", err)
	}
	if r, err := c.Roles.Get(ctx, acct, srv.RoleIDByName("Billing")); err != nil || r.Name != "Billing" {
		t.Fatalf("Roles.Get: %v", err)
	}
	if pgs, err := client.Collect(c.PermissionGroups.List(ctx, acct)); err != nil || len(pgs) < 40 {
		t.Fatalf("PermissionGroups.List: %d %v", len(pgs), err)
	}
	if rgs, err := client.Collect(c.ResourceGroups.List(ctx, acct)); err != nil || len(rgs) != 3 {
		t.Fatalf("ResourceGroups.List: %d %v", len(rgs), err)
	}
}

func TestRetries(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	admin := srv.RoleIDByName("Administrator")
	for _, kind := range []emulator.FaultKind{emulator.FaultServerError, emulator.FaultDropBefore, emulator.FaultDropAfter} {
		srv.InjectNext(2, kind, nil)
		if _, err := client.Collect(c.Roles.List(ctx, acct)); err != nil {
			t.Fatalf("GET after %s: %v", kind, err)
		}
	}
	// POST: 429 is retried; a drop after processing is reconciled; exactly one member either way.
	isPost := func(r *http.Request) bool { return r.Method == http.MethodPost }
	srv.InjectNext(1, emulator.FaultRateLimit, isPost)
	if _, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "a@example.com", Roles: []string{admin}}); err != nil {
		t.Fatalf("POST after 429: %v", err)
	}
	srv.InjectNext(1, emulator.FaultDropAfter, isPost)
	m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "b@example.com", Roles: []string{admin}, Guard: client.CreateGuard{AbsentBefore: true}})
	if err != nil || m.Email != "b@example.com" {
		t.Fatalf("POST after an ambiguous drop: %+v %v", m, err)
	}
	srv.InjectNext(1, emulator.FaultDropAfter, isPost)
	if g, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "once", Guard: client.CreateGuard{AbsentBefore: true}}); err != nil || g.Name != "once" {
		t.Fatalf("group POST after an ambiguous drop: %v", err)
	}
	// Several 5xx answers in a row: lookup, wait, POST again, as many times as the retry budget.
	srv.InjectNext(3, emulator.FaultServerError, isPost)
	if m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "c@example.com", Roles: []string{admin}}); err != nil || m.Email != "c@example.com" {
		t.Fatalf("POST after three 5xx: %+v %v", m, err)
	}
	// The lookup after an ambiguous drop fails once too: it is retried, finds the group, no second POST.
	srv.InjectNext(1, emulator.FaultDropAfter, isPost)
	srv.InjectNext(1, emulator.FaultServerError, func(r *http.Request) bool { return r.Method == http.MethodGet })
	if g, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "twice", Guard: client.CreateGuard{AbsentBefore: true}}); err != nil || g.Name != "twice" {
		t.Fatalf("group POST after a drop and a failed lookup: %v", err)
	}
	if n := len(srv.MemberIDs(acct)); n != 3 || len(srv.Groups(acct)) != 2 {
		t.Fatalf("%d members and %d groups, want exactly 3 and 2 (no duplicates)", n, len(srv.Groups(acct)))
	}
	// net/http itself may resend an idempotent GET on a dropped reused connection, so count loosely.
	if s := c.Stats(); s.Retries < 3 || s.RateLimited != 1 {
		t.Fatalf("stats %+v", s)
	}
	// Retries exhausted: the typed error comes back.
	noRetry, _ := client.New(client.Config{BaseURL: c.BaseURL(), APIToken: secretToken, MaxRetries: -1, RequestsPerSecond: 1000})
	srv.InjectNext(1, emulator.FaultRateLimit, nil)
	if _, err := noRetry.Roles.Get(ctx, acct, admin); !errors.Is(err, client.ErrRateLimited) {
		t.Fatalf("429 without retries: %v", err)
	}
	// A 429 with Retry-After is waited out (1 s by default in the emulator).
	srv.InjectNext(1, emulator.FaultRateLimit, nil)
	start := time.Now()
	if _, err := c.Roles.Get(ctx, acct, admin); err != nil || time.Since(start) < time.Second {
		t.Fatalf("Retry-After not honoured: %v after %s", err, time.Since(start))
	}
	// Bad credentials are typed too.
	bad, _ := client.New(client.Config{BaseURL: c.BaseURL(), APIToken: "wrong", RequestsPerSecond: 1000})
	if _, err := bad.Roles.Get(ctx, acct, admin); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("bad token: %v", err)
	}
}

func TestNotTheEnvelope(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<html>captive portal</html>"))
	}))
	defer ts.Close()
	c, _ := client.New(client.Config{BaseURL: ts.URL, APIToken: "t", RequestsPerSecond: 1000})
	if _, err := c.Roles.Get(context.Background(), acct, "x"); err == nil || !strings.Contains(err.Error(), "not the API's JSON envelope") {
		t.Fatalf("got %v", err)
	}
}

// No log line may contain the token, at the most verbose level, while requests were logged.
func TestLogsNeverContainTheToken(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	_, _ = client.Collect(c.Roles.List(ctx, acct))
	srv.InjectNext(1, emulator.FaultServerError, nil)
	_, _ = c.Members.Create(ctx, acct, client.MemberCreate{Email: "z@example.com", Roles: []string{srv.RoleIDByName("DNS")}})
	_, _ = c.Members.Get(ctx, acct, "ffffffffffffffffffffffffffffffff")
	if buf.Len() == 0 || !strings.Contains(buf.String(), "API request") {
		t.Fatal("expected request logs")
	}
	if strings.Contains(buf.String(), secretToken) {
		t.Fatal("the token appears in the logs")
	}
}

// A create in flight when the context is cancelled (terraform interrupted) finishes, so that the
// state can record it; an abandoned one could leave an object the next apply trips over.
func TestCreateInFlightSurvivesCancellation(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	srv.SetFaults(emulator.Faults{SlowRatio: 1, SlowDelay: 300 * time.Millisecond, Methods: []string{http.MethodPost}})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "late@example.com", Roles: []string{srv.RoleIDByName("Administrator")}})
	if err != nil || m.Email != "late@example.com" {
		t.Fatalf("create cancelled in flight: %+v %v", m, err)
	}
	if n := len(srv.MemberIDs(acct)); n != 1 {
		t.Fatalf("%d members, want 1", n)
	}
	// Cancelled before it starts: nothing is sent.
	if _, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "never"}); err == nil {
		t.Fatal("a create with a cancelled context was sent")
	}
}
