package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

type chAnswer struct {
	Status    int             `json:"status"`
	RequestID string          `json:"requestId"`
	Error     string          `json:"error"`
	Result    json.RawMessage `json:"result"`
}

// chStatus is what the tests check of an answer besides its envelope (the body is read and closed
// in chDo).
type chStatus struct {
	StatusCode int
	Header     http.Header
}

func chDo(t *testing.T, base, method, path, body string, auth bool) (chStatus, chAnswer) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(emulator.DefaultClickHouseKeyID, emulator.DefaultClickHouseKeySecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var a chAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("%s %s: not JSON: %v", method, path, err)
	}
	if a.Status != resp.StatusCode || a.RequestID == "" {
		t.Errorf("%s %s: envelope %+v does not carry the HTTP status %d and a request ID", method, path, a, resp.StatusCode)
	}
	return chStatus{StatusCode: resp.StatusCode, Header: resp.Header}, a
}

// The ClickHouse surface over HTTP: basic auth, the envelope, the fixed-window limit answered 429
// with X-RateLimit-Reset, the deprecated role refused on PATCH, and persistence in the data file.
func TestClickHouseHTTP(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	data := filepath.Join(t.TempDir(), "data.json")
	srv, err := emulator.New(emulator.Options{ClickHouseRateLimit: 3, Now: clock, DataFile: data})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	org := emulator.ClickHousePrefix + "/organizations/" + emulator.DefaultClickHouseOrgID

	if resp, a := chDo(t, ts.URL, http.MethodGet, org+"/roles", "", false); resp.StatusCode != http.StatusUnauthorized || a.Error == "" {
		t.Errorf("no credentials: %d %+v, want 401 with an error", resp.StatusCode, a)
	}
	if resp, _ := chDo(t, ts.URL, http.MethodGet, emulator.ClickHousePrefix+"/organizations/not-a-uuid/roles", "", true); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed organization: %d, want 400", resp.StatusCode)
	}
	member := emulator.ClickHouseRoleIDByName("Member")
	if resp, a := chDo(t, ts.URL, http.MethodPost, org+"/invitations", `{"email":"Ann@Example.com","assignedRoleIds":["`+member+`"]}`, true); resp.StatusCode != http.StatusOK || !strings.Contains(string(a.Result), `"ann@example.com"`) {
		t.Errorf("invite: %d %s, want the email lowercased", resp.StatusCode, a.Result)
	}
	chDo(t, ts.URL, http.MethodGet, org+"/roles", "", true)              // the 3rd counted request (the 401 is not counted)
	resp, a := chDo(t, ts.URL, http.MethodGet, org+"/members", "", true) // the 4th request in the window
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("X-RateLimit-Reset") != "10.0" || a.Error == "" {
		t.Errorf("past the limit: %d, X-RateLimit-Reset %q, %+v; want 429 with the seconds until the window resets", resp.StatusCode, resp.Header.Get("X-RateLimit-Reset"), a)
	}
	mu.Lock()
	now = now.Add(10 * time.Second)
	mu.Unlock()
	userID, err := srv.AcceptClickHouseInvitation(emulator.DefaultClickHouseOrgID, "ann@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if resp, a := chDo(t, ts.URL, http.MethodPatch, org+"/members/"+userID, `{"role":"admin"}`, true); resp.StatusCode != http.StatusBadRequest || !strings.Contains(a.Error, "assignedRoleIds") {
		t.Errorf("deprecated role on PATCH: %d %+v, want 400 naming assignedRoleIds", resp.StatusCode, a)
	}
	if resp, a := chDo(t, ts.URL, http.MethodDelete, org+"/members/"+userID, "", true); resp.StatusCode != http.StatusOK || a.Result != nil {
		t.Errorf("delete: %d %+v, want 200 without a result", resp.StatusCode, a)
	}

	again, err := emulator.New(emulator.Options{DataFile: data})
	if err != nil {
		t.Fatal(err)
	}
	if ms := again.ClickHouseMembers(emulator.DefaultClickHouseOrgID); len(ms) != 0 {
		t.Errorf("reloaded members %+v, want none after the delete", ms)
	}
	if _, err := again.AcceptClickHouseInvitation(emulator.DefaultClickHouseOrgID, "nobody@example.com", ""); err == nil {
		t.Error("accepting an invitation that does not exist succeeded")
	}
}
