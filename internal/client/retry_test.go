package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func TestRetryAfter(t *testing.T) {
	resp := &http.Response{Header: http.Header{}}
	if retryAfter(resp) != 0 {
		t.Fatal("absent header")
	}
	resp.Header.Set("Retry-After", "7")
	if retryAfter(resp) != 7*time.Second {
		t.Fatal("seconds")
	}
	resp.Header.Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
	if d := retryAfter(resp); d < 80*time.Second || d > 91*time.Second {
		t.Fatalf("HTTP date: %s", d)
	}
	resp.Header.Set("Retry-After", "soon")
	if retryAfter(resp) != 0 {
		t.Fatal("garbage")
	}
	resp.Header.Set("Retry-After", "-30")
	if retryAfter(resp) != 0 {
		t.Fatal("a negative Retry-After is ignored")
	}
	resp.Header.Set("Retry-After", "99999999999999999")
	if d := retryAfter(resp); d <= 0 {
		t.Fatalf("a huge Retry-After overflowed: %s", d)
	}
}

func TestBackoffHonoursRetryAfterAndCaps(t *testing.T) {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3"}}}
	if d := backoff(time.Millisecond, time.Second, 0, resp); d < 3*time.Second {
		t.Fatalf("Retry-After ignored: %s", d)
	}
	for attempt := 0; attempt < 40; attempt++ {
		if d := backoff(time.Second, 30*time.Second, attempt, nil); d < 500*time.Millisecond || d > 30*time.Second {
			t.Fatalf("attempt %d: %s outside [0.5s, 30s]", attempt, d)
		}
	}
}

func TestAdaptRateLowersButNeverRaises(t *testing.T) {
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", APIToken: "t", RequestsPerSecond: 4})
	if err != nil {
		t.Fatal(err)
	}
	c.adaptRate(`"default";r=30;t=60`, "")
	if got := c.limiter.Limit(); got != rate.Limit(0.5) {
		t.Fatalf("30 left for 60 s: limit %v, want 0.5/s", got)
	}
	c.adaptRate(`"default";r=100000;t=1`, "")
	if got := c.limiter.Limit(); got != 4 {
		t.Fatalf("plenty left: limit %v, want the configured 4/s", got)
	}
	// An answer without rate-limit headers (a proxy's 502) keeps the slower rate the API asked for.
	c.adaptRate(`"default";r=30;t=60`, "")
	c.adaptRate("", "")
	if got := c.limiter.Limit(); got != rate.Limit(0.5) {
		t.Fatalf("after an answer without headers: limit %v, want still 0.5/s", got)
	}
	c.adaptRate(`"default";r=1000;t=100`, `"default";q=1200;w=300`)
	if got := c.limiter.Limit(); got != rate.Limit(0.9*1200.0/300) {
		t.Fatalf("policy 1200 per 300 s: limit %v, want 90%% of 4/s", got)
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, seed := range []string{
		`{"success":true,"errors":[],"messages":[],"result":{"id":"x"}}`,
		`{"success":false,"errors":[{"code":1004,"message":"already exists"}],"result":null}`,
		`{"success":true,"result":[],"result_info":{"page":1,"total_pages":0}}`,
		`<html>`, ``, `null`, `{"success":"yes"}`,
	} {
		f.Add(seed, 200)
		f.Add(seed, 404)
	}
	f.Fuzz(func(t *testing.T, body string, status int) {
		if status < 100 || status > 599 {
			return
		}
		var out map[string]any
		_, err := decodeEnvelope("GET", "/x", &http.Response{StatusCode: status, Header: http.Header{}}, []byte(body), &out)
		if status >= 400 && err == nil {
			t.Fatalf("HTTP %d decoded without error", status)
		}
	})
}

// Through the emulator: its rate limit slows the client down, and a 502 without rate-limit
// headers in between does not undo that.
func TestAdaptiveRateSurvivesAProxyError(t *testing.T) {
	srv, err := emulator.New(emulator.Options{Tokens: []string{"rate-token-123456"}, RateLimit: 30, RateWindow: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c, err := New(Config{BaseURL: ts.URL, APIToken: "rate-token-123456", RequestsPerSecond: 1000, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Roles.Get(ctx, emulator.DefaultAccountID, srv.RoleIDByName("DNS")); err != nil {
		t.Fatal(err)
	}
	slowed := c.limiter.Limit()
	if slowed > 1 {
		t.Fatalf("limit %v after the API's headers, want under 1/s", slowed)
	}
	srv.InjectNext(1, emulator.FaultServerError, nil)
	if _, err := c.Roles.Get(ctx, emulator.DefaultAccountID, srv.RoleIDByName("DNS")); !errors.Is(err, ErrServer) {
		t.Fatalf("injected 5xx: %v", err)
	}
	if got := c.limiter.Limit(); got != slowed {
		t.Fatalf("limit %v after a 5xx without rate-limit headers, want the API's %v kept", got, slowed)
	}
}
