package emulator_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// An injected drop_after fault processes the request like any other: a request without a valid
// credential is refused before anything is written, even though its answer is dropped.
func TestDropAfterAuthenticatesFirst(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.srv.InjectNext(1, emulator.FaultDropAfter, nil)
	req, _ := http.NewRequest("POST", f.url+"/accounts/"+acct+"/iam/user_groups", strings.NewReader(`{"name":"intruders"}`))
	req.Header.Set("Authorization", "Bearer wrong-token")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("drop after: want a transport error")
	}
	if groups := f.srv.Groups(acct); len(groups) != 0 {
		t.Fatalf("an unauthenticated request with a drop_after fault created %v", groups)
	}
}

// Adding members to a group while they are deleted from the account never leaves a group holding a
// member the account no longer has (the check and the write happen under one lock).
func TestGroupMemberWriteRacesMemberDelete(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	const n = 300
	ids, err := f.srv.SeedMembers(acct, n, "race")
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := f.srv.SeedGroup(acct, "race", nil)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string) {
		req, _ := http.NewRequest(method, f.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
		}
	}
	all := make([]string, 0, n)
	for _, id := range ids {
		all = append(all, `{"id":"`+id+`"}`)
	}
	body := "[" + strings.Join(all, ",") + "]"
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do("DELETE", "/accounts/"+acct+"/members/"+id, "")
		}()
		if i%10 == 0 { // every add names every member: it succeeds only while none is deleted yet
			wg.Add(1)
			go func() {
				defer wg.Done()
				do("PUT", "/accounts/"+acct+"/iam/user_groups/"+groupID+"/members", body)
			}()
		}
	}
	wg.Wait()
	left, err := f.srv.GroupMemberIDs(acct, groupID)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 || len(f.srv.MemberIDs(acct)) != 0 {
		t.Fatalf("after deleting every member the group still holds %d of them (dangling IDs)", len(left))
	}
	f.result("GET", "/accounts/"+acct+"/iam/user_groups/"+groupID+"/members", nil, nil) // renders without a nil member
}
