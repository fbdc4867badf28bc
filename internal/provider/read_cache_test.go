package provider

import (
	"context"
	"errors"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// Refreshing many members costs a few GETs and then one listing, not one request per member; a
// write invalidates the listing, and a member missing from a complete listing is not found.
func TestReadCacheMembers(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, err := env.Server.SeedMembers(env.AccountID, 120, "cache")
	if err != nil {
		t.Fatal(err)
	}
	cl := env.Client(t)
	cache := newReadCache()
	ctx := context.Background()
	env.Server.ResetRequests()
	for _, id := range ids {
		m, err := cache.Member(ctx, cl, env.AccountID, id)
		if err != nil || m.ID != id {
			t.Fatalf("Member(%s) = %+v, %v", id, m, err)
		}
	}
	gets := env.Server.CountRequests("GET", "/members/")
	lists := env.Server.CountRequests("GET", "") - gets
	if gets != directReadsBeforeListing || lists != 3 { // 120 members at 50 per page
		t.Fatalf("120 reads cost %d GETs and %d list pages, want %d and 3", gets, lists, directReadsBeforeListing)
	}

	if _, err := cache.Member(ctx, cl, env.AccountID, "ffffffffffffffffffffffffffffffff"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown member: got %v, want ErrNotFound", err)
	}

	cache.InvalidateMembers(env.AccountID)
	env.Server.ResetRequests()
	if _, err := cache.Member(ctx, cl, env.AccountID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if n := env.Server.CountRequests("GET", "/members/"+ids[0]); n != 1 {
		t.Fatalf("after invalidation the next read must go to the API; got %d GETs", n)
	}
}
