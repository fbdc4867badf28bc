package client_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func isPost(r *http.Request) bool { return r.Method == http.MethodPost }

// Waiting for the limiter is not part of an attempt: at 5 requests per second with a 100 ms
// request timeout, six creates at once all go through (the sixth waits a second for its turn),
// and none is reported as "may or may not have been applied".
func TestLimiterWaitIsNotPartOfTheAttempt(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{RequestsPerSecond: 5, Timeout: 100 * time.Millisecond})
	admin := srv.RoleIDByName("Administrator")
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Members.Create(context.Background(), acct, client.MemberCreate{
				Email: "wait" + string(rune('a'+i)) + "@example.com", Roles: []string{admin}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("create %d: %v", i, err)
		}
	}
	if n := srv.CountRequests(http.MethodPost, "/members"); n != 6 {
		t.Errorf("%d POSTs, want 6", n)
	}
	// A request that could not wait for its turn was never sent: not ambiguous.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	slow, _ := client.New(client.Config{BaseURL: c.BaseURL(), APIToken: secretToken, RequestsPerSecond: 0.1})
	_, _ = slow.Roles.Get(context.Background(), acct, admin) // takes the only token for ten seconds
	_, err := slow.Members.Create(ctx, acct, client.MemberCreate{Email: "never@example.com", Roles: []string{admin}})
	if err == nil || errors.Is(err, client.ErrAmbiguous) || strings.Contains(err.Error(), "may or may not") {
		t.Fatalf("a create that never left the limiter: %v; want a plain not-sent error", err)
	}
}

// One create is one retry budget, whatever fails: 429s and 5xx answers alternating on every POST
// cost at most max_retries+1 POSTs in all (nested loops sent up to (max_retries+1)^2).
func TestOneRetryBudgetPerCreate(t *testing.T) {
	const maxRetries = 3
	srv, c := newEnv(t, emulator.Options{}, client.Config{MaxRetries: maxRetries})
	for range 2 * (maxRetries + 1) {
		srv.InjectNext(1, emulator.FaultRateLimit, isPost)
		srv.InjectNext(1, emulator.FaultServerError, isPost)
	}
	_, err := c.Members.Create(context.Background(), acct, client.MemberCreate{Email: "budget@example.com", Roles: []string{srv.RoleIDByName("DNS")}})
	if err == nil {
		t.Fatal("the create succeeded through injected faults on every POST")
	}
	if n := srv.CountRequests(http.MethodPost, "/members"); n != maxRetries+1 {
		t.Fatalf("%d POSTs for one create, want %d (one budget of max_retries+1 attempts)", n, maxRetries+1)
	}
}

// Transport errors that do not heal are not retried (go-retryablehttp's classification): a
// certificate for another name, an unknown authority, a redirect loop.
func TestPermanentTransportErrorsAreNotRetried(t *testing.T) {
	srv, err := emulator.New(emulator.Options{Tokens: []string{secretToken}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	port := ts.Listener.Addr().(*net.TCPAddr).Port
	for name, cfg := range map[string]client.Config{
		// httptest's certificate names 127.0.0.1 and example.com, not localhost.
		"hostname mismatch": {BaseURL: "https://localhost:" + itoa(port), HTTPClient: ts.Client()},
		"unknown authority": {BaseURL: ts.URL},
	} {
		cfg.APIToken, cfg.RequestsPerSecond, cfg.RetryWaitMin, cfg.RetryWaitMax = secretToken, 1000, time.Millisecond, time.Millisecond
		c, err := client.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Roles.Get(context.Background(), acct, "x"); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s: %v", name, err)
		}
		if n := c.Stats().Requests; n != 1 {
			t.Errorf("%s: %d attempts, want 1 (a certificate error does not heal by retrying)", name, n)
		}
	}
	var hits atomic.Int64
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	defer loop.Close()
	c, _ := client.New(client.Config{BaseURL: loop.URL, APIToken: "t", RequestsPerSecond: 1000, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if _, err := c.Roles.Get(context.Background(), acct, "x"); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if n := hits.Load(); n != 10 {
		t.Errorf("redirect loop: %d requests, want 10 (one attempt; net/http stops after 10 redirects)", n)
	}
}

// A refused connection to a loopback host fails at once and says what to check.
func TestRefusedLoopbackFailsAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c, _ := client.New(client.Config{BaseURL: "http://" + addr, APIToken: "t", RequestsPerSecond: 1000, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	_, err = c.Roles.Get(context.Background(), acct, "x")
	if err == nil || !strings.Contains(err.Error(), "base_url") || !strings.Contains(err.Error(), "emulator") {
		t.Fatalf("refused: %v; want advice to check base_url and start the emulator", err)
	}
	if n := c.Stats().Requests; n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
}

// A Retry-After longer than the cap is not waited for: the error says what the API asked.
// Within the cap it is waited for, and the log line says how long.
func TestRetryAfterIsCapped(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{MaxRetryWait: 30 * time.Second})
	srv.SetFaults(emulator.Faults{RateLimitRatio: 1, RetryAfterSeconds: 86400})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Roles.Get(ctx, acct, srv.RoleIDByName("DNS"))
	if !errors.Is(err, client.ErrRateLimited) || !strings.Contains(err.Error(), "asked to wait 24h0m0s") || !strings.Contains(err.Error(), "max_retry_wait_seconds") {
		t.Fatalf("Retry-After: 86400 gave %v; want an immediate rate-limit error naming the wait asked for and the setting", err)
	}
	if n := srv.CountRequests(http.MethodGet, "/roles"); n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
	srv.SetFaults(emulator.Faults{})
	var buf bytes.Buffer
	logCtx := tflogtest.RootLogger(context.Background(), &buf)
	srv.InjectNext(1, emulator.FaultRateLimit, nil)
	if _, err := c.Roles.Get(logCtx, acct, srv.RoleIDByName("DNS")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"wait_seconds":1.`) || !strings.Contains(buf.String(), `"retry_after":"1"`) {
		t.Fatalf("the retry log line does not say how long it waits: %s", buf.String())
	}
}

// No error text carries the credentials, whatever the server echoes: the emulator's lie mode
// quotes the Authorization header in every error message.
func TestErrorsNeverContainTheToken(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{EchoCredentials: true, Deny: []string{"/roles"}}, client.Config{})
	ctx := context.Background()
	var errs []error
	_, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "x@example.com", Roles: []string{srv.RoleIDByName("DNS")}, Status: "accepted"})
	errs = append(errs, err)
	_, err = client.Collect(c.Roles.List(ctx, acct))
	errs = append(errs, err)
	for i, err := range errs {
		var apiErr *client.APIError
		if err == nil || !errors.As(err, &apiErr) {
			t.Fatalf("error %d: %v; want an API error", i, err)
		}
		if strings.Contains(err.Error(), secretToken[:8]) || strings.Contains(apiErr.Error(), secretToken[4:12]) {
			t.Fatalf("error %d shows the token: %v", i, err)
		}
		if !strings.Contains(err.Error(), "Bearer ***") {
			t.Fatalf("error %d: %v; the emulator's echo did not happen, the test would prove nothing", i, err)
		}
	}
}

// The legacy API key is masked the same way when a server echoes X-Auth-Key.
func TestErrorsNeverContainTheAPIKey(t *testing.T) {
	const key = "legacy-key-0a1b2c3d4e5f"
	srv, err := emulator.New(emulator.Options{APIKey: key, Email: "owner@example.com", EchoCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c, err := client.New(client.Config{BaseURL: ts.URL, APIKey: key, Email: "owner@example.com", RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Members.Create(context.Background(), acct, client.MemberCreate{Email: "k@example.com", Roles: []string{srv.RoleIDByName("DNS")}, Status: "accepted"})
	if err == nil || strings.Contains(err.Error(), key[4:14]) || !strings.Contains(err.Error(), "token *** lacks") {
		t.Fatalf("got %v; want the echoed key masked", err)
	}
}

// A token with a trailing newline (from a file or a secret store) is trimmed and works.
func TestTokenIsTrimmed(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	padded, err := client.New(client.Config{BaseURL: c.BaseURL(), APIToken: " " + secretToken + "\n", RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := padded.Roles.Get(context.Background(), acct, srv.RoleIDByName("DNS")); err != nil {
		t.Fatalf("token with a trailing newline: %v", err)
	}
	if _, err := client.New(client.Config{APIToken: "abc def"}); err == nil || !strings.Contains(err.Error(), "space") {
		t.Fatalf("token with a space inside: %v", err)
	}
}

// A create whose outcome is unknown never adopts an object it cannot prove it created.
func TestUnknownCreateOutcomeAdoptsOnlyWhatItCreated(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	admin, dns := srv.RoleIDByName("Administrator"), srv.RoleIDByName("DNS")
	free := client.CreateGuard{AbsentBefore: true}

	// An answer that is a success without the object (result: null, or a truncated body) is an
	// unknown outcome: the member the create made is found and adopted, never an empty ID.
	for i, kind := range []emulator.FaultKind{emulator.FaultNullResult, emulator.FaultTruncated, emulator.FaultDropAfter} {
		srv.InjectNext(1, kind, isPost)
		email := string(rune('a'+i)) + "-unknown@example.com"
		m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: email, Roles: []string{admin}, Status: "pending", Guard: free})
		if err != nil || m.ID == "" || m.Email != email {
			t.Fatalf("%s: %+v %v; want the created member", kind, m, err)
		}
		srv.InjectNext(1, kind, isPost)
		g, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: string(kind), Guard: free})
		if err != nil || g.ID == "" {
			t.Fatalf("%s group: %+v %v", kind, g, err)
		}
	}
	if n := srv.CountRequests(http.MethodPost, ""); n != 6 {
		t.Fatalf("%d POSTs, want 6 (none sent twice)", n)
	}

	// Without the caller's proof that the email was free before, nothing found is adopted.
	srv.InjectNext(1, emulator.FaultNullResult, isPost)
	_, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "unproven@example.com", Roles: []string{admin}, Status: "pending"})
	if !errors.Is(err, client.ErrNotAdopted) {
		t.Fatalf("unproven: %v; want ErrNotAdopted", err)
	}

	// A member that existed before (other roles, accepted) and a 5xx on the create: not adopted.
	if _, err := srv.SeedMembers(acct, 1, "boss"); err != nil {
		t.Fatal(err)
	}
	const boss = "boss0@example.com" // accepted, with the first catalogue role
	srv.InjectNext(1, emulator.FaultServerError, isPost)
	_, err = c.Members.Create(ctx, acct, client.MemberCreate{Email: boss, Roles: []string{dns}, Status: "pending"})
	if err == nil || (!errors.Is(err, client.ErrNotAdopted) && !errors.Is(err, client.ErrAlreadyExists)) {
		t.Fatalf("pre-existing member: %v; want it refused", err)
	}
	// Even when the caller believed the email free, what is found must match what was sent.
	srv.InjectNext(1, emulator.FaultServerError, isPost)
	_, err = c.Members.Create(ctx, acct, client.MemberCreate{Email: boss, Roles: []string{dns}, Status: "pending", Guard: free})
	if !errors.Is(err, client.ErrNotAdopted) || !strings.Contains(err.Error(), "differ") {
		t.Fatalf("pre-existing member, guard wrong: %v; want ErrNotAdopted naming the difference", err)
	}
	// A group that existed before with members: not adopted either.
	ids, _ := srv.SeedMembers(acct, 2, "old")
	if _, err := srv.SeedGroup(acct, "old-group", ids); err != nil {
		t.Fatal(err)
	}
	srv.InjectNext(1, emulator.FaultDropAfter, isPost)
	if _, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "old-group", Guard: free}); !errors.Is(err, client.ErrNotAdopted) {
		t.Fatalf("pre-existing group: %v; want ErrNotAdopted", err)
	}
	// An empty group with the same policies, but created an hour ago (created_on): not adopted.
	if _, err := srv.SeedGroup(acct, "old-empty", nil); err != nil {
		t.Fatal(err)
	}
	srv.InjectNext(1, emulator.FaultServerError, isPost)
	if _, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "old-empty", Guard: free}); !errors.Is(err, client.ErrNotAdopted) || !strings.Contains(err.Error(), "created on") {
		t.Fatalf("old empty group: %v; want ErrNotAdopted naming created_on", err)
	}
}

func itoa(n int) string {
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
