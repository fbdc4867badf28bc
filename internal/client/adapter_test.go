package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// The ClickHouse adapter on the shared request path: basic auth, its envelope, status codes as
// typed errors, and X-RateLimit-Reset honoured as the wait before retrying a 429.
func TestClickHouseAdapter(t *testing.T) {
	var calls atomic.Int32
	var firstAt, secondAt atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "key-id" || pass != "key-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"error":"Unauthorized","requestId":"r0"}`))
			return
		}
		switch r.URL.Path {
		case "/v1/organizations/org/members":
			switch calls.Add(1) {
			case 1:
				firstAt.Store(time.Now().UnixNano())
				w.Header().Set("X-RateLimit-Reset", "0.3")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"status":429,"error":"Too many requests","requestId":"r1"}`))
			default:
				secondAt.Store(time.Now().UnixNano())
				_, _ = w.Write([]byte(`{"status":200,"requestId":"r2","result":[{"userId":"u1","email":"Ann@Example.com","assignedRoles":[{"roleId":"a","roleName":"Admin","roleType":"system"}]}]}`))
			}
		case "/v1/organizations/org/members/gone":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404,"error":"Member not found","requestId":"r3"}`))
		case "/v1/organizations/org/invitations":
			if r.Method == http.MethodGet {
				_, _ = w.Write([]byte(`{"status":200,"requestId":"r4","result":[]}`))
				return
			}
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"status":409,"error":"User is already a member","requestId":"r5"}`))
		default:
			_, _ = w.Write([]byte(`<html>not the API</html>`))
		}
	}))
	t.Cleanup(ts.Close)
	ch, err := NewClickHouse(ClickHouseConfig{Config: Config{BaseURL: ts.URL + "/v1", RequestsPerSecond: 1000,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}, KeyID: "key-id", KeySecret: "key-secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	m, err := ch.Members.FindByEmail(ctx, "org", "ann@example.com")
	if err != nil || m.UserID != "u1" || strings.Join(m.RoleIDs(), ",") != "a" {
		t.Fatalf("FindByEmail = %+v, %v; want u1 with role a, case-insensitively", m, err)
	}
	if wait := time.Duration(secondAt.Load() - firstAt.Load()); wait < time.Second {
		t.Errorf("retried the 429 after %v; X-RateLimit-Reset 0.3 asks for a wait (rounded up to 1 s)", wait)
	}
	if _, err := ch.Members.Get(ctx, "org", "gone"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "Member not found (request r3)") {
		t.Errorf("Get(gone) = %v; want ErrNotFound with the API's message and request ID", err)
	}
	if _, err := ch.Invitations.Create(ctx, "org", InvitationCreate{Email: "ann@example.com", RoleIDs: []string{"a"}}); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("Create for a member = %v; want ErrAlreadyExists (409)", err)
	}
	if _, err := ch.Roles.Get(ctx, "org", "x"); err == nil || !strings.Contains(err.Error(), "not the API's JSON envelope") {
		t.Errorf("Roles.Get on an HTML answer = %v; want an envelope error", err)
	}
	bad, _ := NewClickHouse(ClickHouseConfig{Config: Config{BaseURL: ts.URL + "/v1", MaxRetries: -1}, KeyID: "key-id", KeySecret: "wrong"})
	if _, err := bad.Roles.Get(ctx, "org", "x"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong secret = %v; want ErrUnauthorized", err)
	}
	if _, err := NewClickHouse(ClickHouseConfig{KeyID: "k"}); err == nil {
		t.Error("NewClickHouse without a secret succeeded")
	}
	if got := (clickhouseAPI{keyID: "k", keySecret: "s"}).secrets(); len(got) != 2 || got[0] != "s" {
		t.Errorf("secrets = %q; want the secret and the basic-auth value", got)
	}
}

// A server that echoes the credentials back (the basic-auth header and the decoded secret) gets
// neither into a log line: the ClickHouse adapter names both as secrets of the one request path.
func TestClickHouseSecretsMasked(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pass, _ := r.BasicAuth()
		_, _ = w.Write([]byte(`{"status":200,"requestId":"r","result":[{"id":"` + r.Header.Get("Authorization") + `","name":"` + pass + `"}]}`))
	}))
	t.Cleanup(ts.Close)
	ch, err := NewClickHouse(ClickHouseConfig{Config: Config{BaseURL: ts.URL, RequestsPerSecond: 1000}, KeyID: "key-id", KeySecret: "echoed-secret-81f3"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	roles, err := Collect(ch.Roles.List(tflogtest.RootLogger(context.Background(), &buf), "org"))
	if err != nil || len(roles) != 1 || !strings.Contains(buf.String(), "API exchange") {
		t.Fatalf("roles %v, %v; log:\n%s", roles, err, buf.String())
	}
	basic := base64.StdEncoding.EncodeToString([]byte("key-id:echoed-secret-81f3"))
	if strings.Contains(buf.String(), "echoed-secret-81f3") || strings.Contains(buf.String(), basic) {
		t.Fatalf("the secret appears in the logs:\n%s", buf.String())
	}
}

// A ClickHouse key read from a file or a secret store (CLICKHOUSE_TOKEN_SECRET="$(cat key)") often
// ends with a newline. Basic auth encodes it into the header, so it is not an invalid header but a
// 401 on every request: the key ID and secret are trimmed as the Cloudflare token is.
func TestClickHouseCredentialsTrimmed(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, secret, _ := r.BasicAuth(); id != "key-id" || secret != "the-secret-81f3" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"requestId":"r","error":"Authentication failed"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":200,"requestId":"r","result":[]}`))
	}))
	t.Cleanup(ts.Close)
	ch, err := NewClickHouse(ClickHouseConfig{Config: Config{BaseURL: ts.URL, RequestsPerSecond: 1000}, KeyID: " key-id\n", KeySecret: "the-secret-81f3\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(ch.Roles.List(context.Background(), "org")); err != nil {
		t.Fatalf("a key with a trailing newline: %v", err)
	}
	if _, err := NewClickHouse(ClickHouseConfig{KeyID: "key-id", KeySecret: " \n"}); err == nil {
		t.Error("NewClickHouse with a secret of only whitespace succeeded")
	}
}
