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

// A member missing from the account's listing is confirmed with one GET before it counts as gone:
// a listing read while someone else writes can miss objects that moved between its pages.
func TestReadCacheConfirmsAbsenceWithGet(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	ids, err := env.Server.SeedMembers(env.AccountID, 12, "moved")
	if err != nil {
		t.Fatal(err)
	}
	env.Server.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieOmit}, PathContains: "/members"})
	cl := env.Client(t)
	cache := newReadCache()
	ctx := context.Background()
	env.Server.ResetRequests()
	for _, id := range ids {
		if m, err := cache.Member(ctx, cl, env.AccountID, id); err != nil || m.ID != id {
			t.Fatalf("Member(%s) missing from the listing but there by GET = %+v, %v", id, m, err)
		}
	}
	// 5 direct reads, then one listing that holds only ids[0] (read directly already), and one GET
	// for each of the 7 members it left out.
	if gets := env.Server.CountRequests("GET", "/members/"); gets != len(ids) {
		t.Fatalf("%d GETs, want %d", gets, len(ids))
	}
	gone := "ffffffffffffffffffffffffffffffff"
	if _, err := cache.Member(ctx, cl, env.AccountID, gone); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("a member neither listed nor found by GET: %v, want ErrNotFound", err)
	}
}
