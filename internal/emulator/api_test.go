package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

const (
	token = "tok"
	acct  = emulator.DefaultAccountID
)

type envelope struct {
	Success bool `json:"success"`
	Errors  []struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
	Messages   []any           `json:"messages"`
	Result     json.RawMessage `json:"result"`
	ResultInfo *struct {
		Page       int `json:"page"`
		PerPage    int `json:"per_page"`
		Count      int `json:"count"`
		TotalCount int `json:"total_count"`
		TotalPages int `json:"total_pages"`
	} `json:"result_info"`
}

type fixture struct {
	t   *testing.T
	srv *emulator.Server
	url string
}

func newFixture(t *testing.T, opts emulator.Options) *fixture {
	t.Helper()
	if opts.Tokens == nil {
		opts.Tokens = []string{token}
	}
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{t: t, srv: srv, url: ts.URL}
}

// call sends a request and decodes the envelope; body may be a string or a value to marshal.
func (f *fixture) call(method, path string, body any, headers ...string) (int, envelope, http.Header) {
	f.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, f.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	// Read to the end: a large answer is chunked, and its last chunk (sent once the handler and
	// the request log are done) is what makes the log complete when call returns.
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		f.t.Fatalf("%s %s: not an envelope: %v", method, path, err)
	}
	return resp.StatusCode, env, resp.Header
}

func (f *fixture) wantError(status, code int, method, path string, body any, headers ...string) envelope {
	f.t.Helper()
	got, env, _ := f.call(method, path, body, headers...)
	if got != status || env.Success || len(env.Errors) == 0 || env.Errors[0].Code != code {
		f.t.Fatalf("%s %s: HTTP %d %+v, want HTTP %d code %d", method, path, got, env.Errors, status, code)
	}
	return env
}

func (f *fixture) result(method, path string, body any, out any) envelope {
	f.t.Helper()
	status, env, _ := f.call(method, path, body)
	if status != 200 || !env.Success {
		f.t.Fatalf("%s %s: HTTP %d %+v", method, path, status, env.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			f.t.Fatal(err)
		}
	}
	return env
}

type member struct {
	ID, Email, Status string
	Roles             []struct{ ID string }
	Policies          []struct {
		ID     string
		Access string
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t, emulator.Options{Tokens: []string{token}, APIKey: "key", Email: "me@example.com"})
	f.wantError(403, 10000, "GET", "/accounts/"+acct+"/members", nil, "Authorization", "Bearer nope")
	f.wantError(403, 10000, "GET", "/accounts/"+acct+"/members", nil, "Authorization", "")
	if status, _, _ := f.call("GET", "/accounts/"+acct+"/members", nil, "Authorization", "", "X-Auth-Key", "key", "X-Auth-Email", "me@example.com"); status != 200 {
		t.Fatalf("legacy key: HTTP %d", status)
	}
	f.wantError(404, 7003, "GET", "/accounts/ffffffffffffffffffffffffffffffff/members", nil)
	for _, r := range f.srv.Requests() {
		if r.AuthScheme == "" {
			t.Fatalf("request log without auth scheme: %+v", r)
		}
	}
}

func TestMembers(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	admin := f.srv.RoleIDByName("Administrator")
	base := "/accounts/" + acct + "/members"
	for name, body := range map[string]string{
		"bad email":   `{"email":"nope","roles":["` + admin + `"]}`,
		"long email":  `{"email":"` + strings.Repeat("a", 85) + `@example.com","roles":["` + admin + `"]}`,
		"neither":     `{"email":"a@example.com"}`,
		"both":        `{"email":"a@example.com","roles":["` + admin + `"],"policies":[]}`,
		"bad role":    `{"email":"a@example.com","roles":["ffffffffffffffffffffffffffffffff"]}`,
		"bad status":  `{"email":"a@example.com","roles":["` + admin + `"],"status":"invited"}`,
		"not json":    `{`,
		"accepted":    `{"email":"a@example.com","roles":["` + admin + `"],"status":"accepted"}`,
		"bad pgroups": `{"email":"a@example.com","policies":[{"access":"allow","permission_groups":[{"id":"x"}],"resource_groups":[{"id":"y"}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			f.t = t
			env := f.wantError(400, 1001, "POST", base, body)
			if name == "accepted" && !strings.Contains(env.Errors[0].Message, "automatic verification") {
				t.Fatalf("message %q", env.Errors[0].Message)
			}
		})
	}
	f.t = t
	var m member
	f.result("POST", base, `{"email":"Jane@example.com","roles":["`+admin+`"]}`, &m)
	if m.Status != "pending" || len(m.Roles) != 0 || len(m.ID) != 32 {
		t.Fatalf("created %+v: want pending, roles left out of the create answer, a 32-hex id", m)
	}
	f.wantError(400, 1004, "POST", base, `{"email":"jane@EXAMPLE.com","roles":["`+admin+`"]}`)
	var got member
	f.result("GET", base+"/"+m.ID, nil, &got)
	if len(got.Roles) != 1 || got.Roles[0].ID != admin {
		t.Fatalf("get: %+v", got)
	}
	// PUT takes roles as objects; strings are refused; policies win when both are sent.
	f.wantError(400, 1001, "PUT", base+"/"+m.ID, `{"roles":["`+admin+`"]}`)
	pg, rg := f.srv.PermissionGroupIDByName("DNS Read"), f.srv.ResourceGroupIDs(acct)[0]
	policy := `[{"access":"allow","permission_groups":[{"id":"` + pg + `"}],"resource_groups":[{"id":"` + rg + `"}]}]`
	f.result("PUT", base+"/"+m.ID, `{"roles":[{"id":"`+admin+`"}],"policies":`+policy+`}`, &got)
	if len(got.Roles) != 0 || len(got.Policies) != 1 {
		t.Fatalf("policies must win: %+v", got)
	}
	first := got.Policies[0].ID
	f.result("PUT", base+"/"+m.ID, `{"policies":`+policy+`}`, &got)
	if got.Policies[0].ID == first {
		t.Fatal("policy ids must be fresh on every write")
	}
	f.wantError(400, 1001, "PUT", base+"/"+m.ID, `{"policies":[{"id":"`+first+`","access":"allow","permission_groups":[{"id":"`+pg+`"}],"resource_groups":[{"id":"`+rg+`"}]}]}`)
	if err := f.srv.AcceptInvitation(acct, m.ID); err != nil {
		t.Fatal(err)
	}
	f.result("GET", base+"/"+m.ID, nil, &got)
	if got.Status != "accepted" {
		t.Fatalf("status %q after acceptance", got.Status)
	}
	f.result("DELETE", base+"/"+m.ID, nil, nil)
	f.wantError(404, 1003, "GET", base+"/"+m.ID, nil)

	direct := newFixture(t, emulator.Options{AllowDirectAccept: true})
	direct.result("POST", base, `{"email":"bot@example.com","roles":["`+admin+`"],"status":"accepted"}`, &m)
	if m.Status != "accepted" {
		t.Fatalf("direct add: %+v", m)
	}
}

func TestMemberPagination(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	if _, err := f.srv.SeedMembers(acct, 23, "p"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for page := 1; page <= 5; page++ {
		var ms []member
		env := f.result("GET", fmt.Sprintf("/accounts/%s/members?page=%d&per_page=5", acct, page), nil, &ms)
		ri := env.ResultInfo
		if ri == nil || ri.Page != page || ri.PerPage != 5 || ri.TotalCount != 23 || ri.TotalPages != 5 || ri.Count != len(ms) {
			t.Fatalf("page %d: result_info %+v with %d items", page, ri, len(ms))
		}
		for _, m := range ms {
			seen[m.ID] = true
		}
	}
	if len(seen) != 23 {
		t.Fatalf("paging saw %d distinct members, want 23", len(seen))
	}
	f.wantError(400, 1002, "GET", "/accounts/"+acct+"/members?per_page=4", nil)
	f.wantError(400, 1002, "GET", "/accounts/"+acct+"/members?per_page=51", nil)
	var pending []member
	f.result("GET", "/accounts/"+acct+"/members?status=pending", nil, &pending)
	if len(pending) != 0 {
		t.Fatalf("status filter: %d pending, want 0", len(pending))
	}
}

func TestUserGroupsAndMembers(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	base := "/accounts/" + acct + "/iam/user_groups"
	var g struct {
		ID, Name string
		Policies []any
	}
	f.result("POST", base, `{"name":"ops"}`, &g)
	if g.Policies == nil || len(g.Policies) != 0 {
		t.Fatalf("a group without policies must answer policies: [], got %v", g.Policies)
	}
	env := f.wantError(400, 1004, "POST", base, `{"name":"ops"}`)
	if !strings.Contains(env.Errors[0].Message, "already exists") {
		t.Fatalf("duplicate name message %q", env.Errors[0].Message)
	}
	f.wantError(400, 1001, "POST", base, `{"name":""}`)
	f.result("PUT", base+"/"+g.ID, `{"name":"operations"}`, &g)
	var list []struct{ ID string }
	f.result("GET", base+"?fuzzyName=RATION", nil, &list)
	if len(list) != 1 {
		t.Fatalf("fuzzyName: %d groups", len(list))
	}

	ids, _ := f.srv.SeedMembers(acct, 1200, "g")
	mb := base + "/" + g.ID + "/members"
	f.wantError(400, 1001, "POST", mb, `{"id":"`+ids[0]+`"}`) // not a bare array
	f.wantError(400, 1001, "POST", mb, `[{"id":"ffffffffffffffffffffffffffffffff"}]`)
	f.result("POST", mb, `[{"id":"`+ids[0]+`"}]`, nil)
	f.result("POST", mb, `[{"id":"`+ids[0]+`"}]`, nil) // idempotent
	refs := make([]map[string]string, 0, 1200)
	for _, id := range ids {
		refs = append(refs, map[string]string{"id": id})
	}
	f.result("PUT", mb, refs, nil)
	var page []struct{ ID string }
	env = f.result("GET", mb+"?per_page=500&page=3", nil, &page)
	if len(page) != 200 || env.ResultInfo.TotalPages != 3 || env.ResultInfo.TotalCount != 1200 {
		t.Fatalf("page 3: %d items, %+v", len(page), env.ResultInfo)
	}
	f.wantError(400, 1002, "GET", mb+"?per_page=501", nil)
	f.result("GET", mb+"/"+ids[5], nil, nil)
	f.result("DELETE", mb+"/"+ids[5], nil, nil)
	f.wantError(404, 1003, "GET", mb+"/"+ids[5], nil)
	f.result("DELETE", "/accounts/"+acct+"/members/"+ids[6], nil, nil) // leaves every group too
	if got, _ := f.srv.GroupMemberIDs(acct, g.ID); len(got) != 1198 {
		t.Fatalf("group has %d members, want 1198", len(got))
	}
	f.result("PUT", mb, `[]`, nil)
	if got, _ := f.srv.GroupMemberIDs(acct, g.ID); len(got) != 0 {
		t.Fatalf("PUT [] left %d members", len(got))
	}
	f.result("DELETE", base+"/"+g.ID, nil, nil)
	f.wantError(404, 1003, "GET", mb, nil)
}

func TestNewGroupMembers404Window(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := newFixture(t, emulator.Options{NewGroupMembers404For: 10 * time.Second, Now: func() time.Time { return now }})
	var g struct{ ID string }
	f.result("POST", "/accounts/"+acct+"/iam/user_groups", `{"name":"fresh"}`, &g)
	f.wantError(404, 1003, "GET", "/accounts/"+acct+"/iam/user_groups/"+g.ID+"/members", nil)
	now = now.Add(11 * time.Second)
	f.result("GET", "/accounts/"+acct+"/iam/user_groups/"+g.ID+"/members", nil, nil)
}

// The window by count: a group created through the API answers 404 to its first N /members
// requests, then normally; seeded groups are old and never do.
func TestNewGroupMembers404Requests(t *testing.T) {
	f := newFixture(t, emulator.Options{NewGroupMembers404Requests: 2})
	var g struct{ ID string }
	f.result("POST", "/accounts/"+acct+"/iam/user_groups", `{"name":"fresh"}`, &g)
	mb := "/accounts/" + acct + "/iam/user_groups/" + g.ID + "/members"
	f.wantError(404, 1003, "GET", mb, nil)
	f.wantError(404, 1003, "PUT", mb, `[]`)
	f.result("PUT", mb, `[]`, nil)
	f.result("GET", mb, nil, nil)
	old, err := f.srv.SeedGroup(acct, "old", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.result("GET", "/accounts/"+acct+"/iam/user_groups/"+old+"/members", nil, nil)
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, emulator.Options{RateLimit: 3, RateWindow: time.Minute})
	for i := 0; i < 3; i++ {
		_, _, h := f.call("GET", "/accounts/"+acct+"/roles", nil)
		if h.Get("Ratelimit") == "" || h.Get("Ratelimit-Policy") == "" {
			t.Fatalf("missing rate-limit headers: %v", h)
		}
	}
	status, env, h := f.call("GET", "/accounts/"+acct+"/roles", nil)
	if status != 429 || env.Success || h.Get("Retry-After") == "" {
		t.Fatalf("4th request: HTTP %d, Retry-After %q", status, h.Get("Retry-After"))
	}
}

func TestFaults(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	admin := f.srv.RoleIDByName("Administrator")
	f.srv.InjectNext(1, emulator.FaultRateLimit, nil)
	if status, _, h := f.call("GET", "/accounts/"+acct+"/roles", nil); status != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("injected 429: HTTP %d", status)
	}
	f.srv.InjectNext(1, emulator.FaultServerError, nil)
	if status, _, _ := f.call("GET", "/accounts/"+acct+"/roles", nil); status < 500 {
		t.Fatalf("injected 5xx: HTTP %d", status)
	}
	post := func(email string) error {
		req, _ := http.NewRequest("POST", f.url+"/accounts/"+acct+"/members", strings.NewReader(`{"email":"`+email+`","roles":["`+admin+`"]}`))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	isPost := func(r *http.Request) bool { return r.Method == "POST" }
	f.srv.InjectNext(1, emulator.FaultDropBefore, isPost)
	if err := post("before@example.com"); err == nil {
		t.Fatal("drop before: want a transport error")
	}
	f.srv.InjectNext(1, emulator.FaultDropAfter, isPost)
	if err := post("after@example.com"); err == nil {
		t.Fatal("drop after: want a transport error")
	}
	var ms []member
	f.result("GET", "/accounts/"+acct+"/members", nil, &ms)
	if len(ms) != 1 || ms[0].Email != "after@example.com" {
		t.Fatalf("members after the drops: %+v (want only the one processed before its drop)", ms)
	}
	f.srv.SetFaults(emulator.Faults{SlowRatio: 1, SlowDelay: 20 * time.Millisecond})
	start := time.Now()
	f.result("GET", "/accounts/"+acct+"/roles", nil, nil)
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("slow fault did not delay")
	}
	f.srv.SetFaults(emulator.Faults{})
	got := f.srv.FaultsInjected()
	for _, k := range []emulator.FaultKind{emulator.FaultRateLimit, emulator.FaultServerError, emulator.FaultDropBefore, emulator.FaultDropAfter, emulator.FaultSlow} {
		if got[k] != 1 {
			t.Fatalf("FaultsInjected[%s] = %d, want 1", k, got[k])
		}
	}
	if f.srv.CountWrites() != 2 || f.srv.CountRequests("GET", "/roles") != 3 {
		t.Fatalf("request log: %d writes, %d role reads", f.srv.CountWrites(), f.srv.CountRequests("GET", "/roles"))
	}
}

func TestCatalogAndPersistence(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data.json")
	f := newFixture(t, emulator.Options{DataFile: data})
	var roles []struct{ ID, Name string }
	env := f.result("GET", "/accounts/"+acct+"/roles", nil, &roles)
	if env.ResultInfo.TotalPages < 2 || roles[0].ID != f.srv.RoleIDByName(roles[0].Name) {
		t.Fatalf("roles must span pages and match RoleIDByName: %+v", env.ResultInfo)
	}
	f.result("POST", "/accounts/"+acct+"/iam/user_groups", `{"name":"kept"}`, nil)
	again := newFixture(t, emulator.Options{DataFile: data})
	if groups := again.srv.Groups(acct); len(groups) != 1 {
		t.Fatalf("after reload: %v", groups)
	}
}

// Each lie changes what a listing says while the data stays as it is.
func TestLies(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	ids, _ := f.srv.SeedMembers(acct, 12, "lie")
	groupID, _ := f.srv.SeedGroup(acct, "liars", ids)
	members := "/accounts/" + acct + "/members?per_page=5"
	page := func(query string) (ids []string, count, total, pages int, null bool) {
		t.Helper()
		status, env, _ := f.call("GET", members+query, nil)
		if status != 200 || env.ResultInfo == nil {
			t.Fatalf("GET %s: HTTP %d", query, status)
		}
		var items []struct{ ID string }
		_ = json.Unmarshal(env.Result, &items)
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids, env.ResultInfo.Count, env.ResultInfo.TotalCount, env.ResultInfo.TotalPages, string(env.Result) == "null"
	}
	for _, tc := range []struct {
		lie   emulator.LieKind
		query string
		check func(ids []string, count, total, pages int, null bool) bool
	}{
		{emulator.LieTotalPages, "&page=1", func(ids []string, _, total, pages int, _ bool) bool {
			return len(ids) == 5 && total == 12 && pages == 1
		}},
		{emulator.LieEmptyPage, "&page=2", func(ids []string, _, total, pages int, _ bool) bool {
			return len(ids) == 0 && total == 12 && pages == 3
		}},
		{emulator.LieEmptyPage, "&page=3", func(ids []string, _, _, _ int, _ bool) bool { return len(ids) == 2 }},
		{emulator.LieEmptyResult, "&page=1", func(ids []string, count, total, _ int, null bool) bool {
			return len(ids) == 0 && !null && count == 0 && total == 12
		}},
		{emulator.LieNullResult, "&page=1", func(_ []string, _, total, _ int, null bool) bool { return null && total == 12 }},
		{emulator.LieRepeatPage, "&page=7", func(got []string, _, _, pages int, _ bool) bool { return got[0] == ids[0] && pages == 100000 }},
		{emulator.LieDuplicate, "&page=1", func(got []string, _, total, _ int, _ bool) bool { return got[0] == got[1] && total == 13 }},
		{emulator.LieOmit, "&page=1", func(got []string, count, total, pages int, _ bool) bool {
			return len(got) == 1 && count == 1 && total == 1 && pages == 1
		}},
	} {
		f.srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{tc.lie}, PathContains: "/members"})
		if got, count, total, pages, null := page(tc.query); !tc.check(got, count, total, pages, null) {
			t.Errorf("lie %s, %s: ids %v, count %d, total_count %d, total_pages %d, null %t", tc.lie, tc.query, got, count, total, pages, null)
		}
	}
	// The objects themselves are still there, and a GET of one is not a listing.
	f.srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieOmit}})
	f.result("GET", "/accounts/"+acct+"/members/"+ids[5], nil, nil)
	// Lies apply only to paths that contain PathContains.
	f.srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieOmit}, PathContains: "/iam/"})
	if got, _, _, _, _ := page("&page=1"); len(got) != 5 {
		t.Errorf("a lie leaked to a path it was not set for: %v", got)
	}
	// The group-members POST answers one object (the shape of the API's reference page).
	f.srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LiePOSTObject}})
	var one struct{ ID string }
	f.result("POST", "/accounts/"+acct+"/iam/user_groups/"+groupID+"/members", `[{"id":"`+ids[0]+`"}]`, &one)
	if one.ID != ids[0] {
		t.Errorf("post_object answered %+v", one)
	}
	if _, err := emulator.ParseLies("omit, nonsense"); err == nil || !strings.Contains(err.Error(), "total_pages") {
		t.Errorf("ParseLies of an unknown name: %v", err)
	}
}

// A proxy's HTML 404 page: not the API's envelope.
func TestFaultHTML404(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.srv.InjectNext(1, emulator.FaultHTML404, nil)
	req, _ := http.NewRequest("GET", f.url+"/accounts/"+acct+"/roles", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(b.String(), "<html>") {
		t.Fatalf("HTTP %d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b.String())
	}
	if got := f.srv.FaultsInjected()[emulator.FaultHTML404]; got != 1 {
		t.Fatalf("FaultsInjected[html_404] = %d", got)
	}
}

// The -echo-credentials lie mode quotes the credential header in the error messages of both APIs,
// so that clients can test their masking of ClickHouse errors too.
func TestEchoCredentials(t *testing.T) {
	f := newFixture(t, emulator.Options{EchoCredentials: true})
	for _, tc := range []struct{ path, auth string }{
		{"/accounts/" + emulator.DefaultAccountID + "/members/00000000000000000000000000000000", "Bearer " + token},
		{emulator.ClickHousePrefix + "/organizations/" + emulator.DefaultClickHouseOrgID + "/roles", "Basic d3Jvbmc6d3Jvbmc="},
	} {
		req, _ := http.NewRequest(http.MethodGet, f.url+tc.path, nil)
		req.Header.Set("Authorization", tc.auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode < 400 || !strings.Contains(string(raw), tc.auth) {
			t.Errorf("GET %s: HTTP %d %s; want an error quoting %q", tc.path, resp.StatusCode, raw, tc.auth)
		}
	}
}
