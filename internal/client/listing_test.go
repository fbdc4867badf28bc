package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// A listing that lies is an error, never a shorter truth, and a server that repeats its pages
// costs a bounded number of requests.
func TestListingsThatLie(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	ids, _ := srv.SeedMembers(acct, 120, "lie")
	groupID, _ := srv.SeedGroup(acct, "liars", ids[:3])
	for _, tc := range []struct {
		lie          emulator.LieKind
		wantRequests int // GET requests of the listing, at most
	}{
		{emulator.LieTotalPages, 1 * 3}, // each lie is read 3 times before it is an error
		{emulator.LieEmptyPage, 2 * 3},
		{emulator.LieEmptyResult, 1 * 3},
		{emulator.LieNullResult, 1 * 3},
		{emulator.LieRepeatPage, 2 * 3},
	} {
		srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{tc.lie}, PathContains: "/members"})
		srv.ResetRequests()
		got, err := client.Collect(c.Members.List(ctx, acct, client.MemberListOptions{}))
		if !errors.Is(err, client.ErrInconsistentListing) || got != nil {
			t.Errorf("lie %s: %d members, %v; want ErrInconsistentListing and nothing", tc.lie, len(got), err)
		}
		if n := srv.CountRequests("GET", "/members"); n > tc.wantRequests {
			t.Errorf("lie %s: %d requests, want at most %d", tc.lie, n, tc.wantRequests)
		}
		if err != nil && !strings.Contains(err.Error(), "/accounts/"+acct+"/members") {
			t.Errorf("lie %s: the error does not name the listing: %v", tc.lie, err)
		}
	}
	// A total_pages that claims 100000 pages over an honest total_count costs only the pages the
	// count allows.
	srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieRepeatPage}, PathContains: "/user_groups/"})
	srv.ResetRequests()
	if got, err := c.GroupMembers.ListAll(ctx, acct, groupID); err == nil || got != nil {
		t.Errorf("repeated group-members pages: %d members, %v", len(got), err)
	}

	// A member listed twice is returned once, with a warning that names the API's listing.
	srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieDuplicate}, PathContains: "/user_groups/"})
	got, warnings, err := client.CollectWarnings(c.GroupMembers.List(ctx, acct, groupID))
	if err != nil || len(got) != 3 || len(warnings) != 1 || !strings.Contains(warnings[0].Error(), ids[0]) ||
		!strings.Contains(warnings[0].Error(), "/user_groups/"+groupID+"/members") {
		t.Errorf("duplicate: %d members, warnings %v, %v; want 3 and one warning naming %s", len(got), warnings, err, ids[0])
	}
	if got, err := c.GroupMembers.ListAll(ctx, acct, groupID); err != nil || len(got) != 3 {
		t.Errorf("duplicate through ListAll: %d members, %v", len(got), err)
	}

	// The group-members POST answered with one object (the API's reference page) or an array:
	// both are a success.
	srv.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LiePOSTObject}})
	if added, err := c.GroupMembers.Create(ctx, acct, groupID, []string{ids[10]}); err != nil || len(added) != 1 || added[0].ID != ids[10] {
		t.Errorf("POST answering one object: %+v, %v", added, err)
	}
	srv.SetLies(emulator.Lies{})
	if added, err := c.GroupMembers.Create(ctx, acct, groupID, []string{ids[11], ids[12]}); err != nil || len(added) != 2 {
		t.Errorf("POST answering an array: %+v, %v", added, err)
	}
	// Honest listings still read completely.
	if got, err := client.Collect(c.Members.List(ctx, acct, client.MemberListOptions{})); err != nil || len(got) != 120 {
		t.Errorf("honest listing: %d, %v", len(got), err)
	}
}

// A total_count that changes between pages (someone else wrote meanwhile) makes the client read
// the listing again; a count that keeps changing is an error.
func TestListingChangedWhileRead(t *testing.T) {
	srv, _ := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	_, _ = srv.SeedMembers(acct, 60, "moving")
	extra := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" && extra < 1 {
			extra++
			_, _ = srv.SeedMembers(acct, 1, "late") // a member added between page 1 and page 2
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c2, _ := client.New(client.Config{BaseURL: ts.URL, APIToken: secretToken, RequestsPerSecond: 1000})
	got, err := client.Collect(c2.Members.List(ctx, acct, client.MemberListOptions{}))
	if err != nil || len(got) != 61 {
		t.Fatalf("listing that changed once: %d, %v; want all 61 after reading again", len(got), err)
	}
	extra = -1000 // now a member is added between the pages of every read
	if got, err := client.Collect(c2.Members.List(ctx, acct, client.MemberListOptions{})); !errors.Is(err, client.ErrInconsistentListing) || got != nil {
		t.Fatalf("listing that never holds still: %d, %v; want ErrInconsistentListing", len(got), err)
	}
}

// Only the API's own "not found" for an object is ErrNotFound; a 404 without it names the URL.
func TestNotFoundOnlyFromTheAPI(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	ids, _ := srv.SeedMembers(acct, 1, "nf")
	gone := "ffffffffffffffffffffffffffffffff"
	if _, err := c.Members.Get(ctx, acct, gone); !errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrMisrouted) {
		t.Errorf("missing member: %v; want ErrNotFound", err)
	}
	if _, err := c.UserGroups.Get(ctx, acct, gone); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("missing group: %v; want ErrNotFound", err)
	}
	check := func(name string, err error, want string) {
		t.Helper()
		if errors.Is(err, client.ErrNotFound) || !errors.Is(err, client.ErrMisrouted) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want ErrMisrouted (not ErrNotFound) mentioning %q", name, err, want)
		}
	}
	// A wrong account: 7003.
	_, err := c.Members.Get(ctx, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", ids[0])
	check("wrong account", err, "cannot route to this account")
	// A wrong base_url path: 7000.
	wrong, _ := client.New(client.Config{BaseURL: c.BaseURL() + "/client/v5", APIToken: secretToken, RequestsPerSecond: 1000})
	_, err = wrong.Members.Get(ctx, acct, ids[0])
	check("wrong base_url path", err, c.BaseURL()+"/client/v5/accounts/")
	// A proxy's HTML 404 page.
	srv.InjectNext(1, emulator.FaultHTML404, nil)
	_, err = c.Members.Get(ctx, acct, ids[0])
	check("HTML 404", err, "not the API's JSON envelope")
	// Lookups that find nothing are still "not found".
	if _, err := c.Members.FindByEmail(ctx, acct, "nobody@example.com"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("FindByEmail of nobody: %v", err)
	}
}

// A listing page whose result is null without any result_info (a proxy damaging the answer) is not
// an empty listing: once, the listing is read again; always, it is an error.
func TestListingWithNullResult(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{}, client.Config{})
	ctx := context.Background()
	_, _ = srv.SeedMembers(acct, 7, "null")
	isList := func(r *http.Request) bool { return r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/members") }
	srv.InjectNext(1, emulator.FaultNullResult, isList)
	if got, err := client.Collect(c.Members.List(ctx, acct, client.MemberListOptions{})); err != nil || len(got) != 7 {
		t.Fatalf("one damaged page: %d members, %v; want all 7 after reading again", len(got), err)
	}
	srv.SetFaults(emulator.Faults{NullResultRatio: 1, Methods: []string{"GET"}})
	if got, err := client.Collect(c.Members.List(ctx, acct, client.MemberListOptions{})); !errors.Is(err, client.ErrInconsistentListing) || got != nil {
		t.Fatalf("every page damaged: %d members, %v; want ErrInconsistentListing", len(got), err)
	}
}

// A server that repeats page 1 forever and claims 100000 pages without any total_count: the second
// page, which brings nothing new, ends the listing with an error.
func TestListingRepeatingWithoutCount(t *testing.T) {
	calls := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		_, _ = w.Write([]byte(`{"success":true,"errors":[],"messages":[],"result":[{"id":"a"},{"id":"b"}],"result_info":{"total_pages":100000}}`))
	}))
	defer ts.Close()
	c, _ := client.New(client.Config{BaseURL: ts.URL, APIToken: "t", RequestsPerSecond: 1000})
	got, err := client.Collect(c.Roles.List(context.Background(), acct))
	if !errors.Is(err, client.ErrInconsistentListing) || got != nil || calls > 2*3 {
		t.Fatalf("repeated pages without a count: %d roles, %v, %d requests; want ErrInconsistentListing within 6 requests", len(got), err, calls)
	}
}
