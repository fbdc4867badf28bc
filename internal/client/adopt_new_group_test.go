package client_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// A group create whose answer is lost is proven this create's by reading the found group's
// members; a brand-new group answers 404 there for a moment (reported), which is waited out
// instead of refusing to adopt the group this very create made.
func TestCreateGroupAdoptsThroughNew404(t *testing.T) {
	srv, c := newEnv(t, emulator.Options{NewGroupMembers404Requests: 2}, client.Config{})
	srv.InjectNext(1, emulator.FaultDropAfter, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/iam/user_groups")
	})
	g, err := c.UserGroups.Create(context.Background(), acct, client.UserGroupCreate{Name: "fresh", Guard: client.CreateGuard{AbsentBefore: true}})
	if err != nil {
		t.Fatalf("the create's own group was not adopted: %v", err)
	}
	if groups := srv.Groups(acct); len(groups) != 1 || groups[g.ID] != "fresh" {
		t.Fatalf("groups %v, want exactly the adopted %s", groups, g.ID)
	}
}
