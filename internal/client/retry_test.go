package client

import (
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"
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
