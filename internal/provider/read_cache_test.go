package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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

// The catalogue cache holds no lock across a listing: while one catalogue's listing hangs, another
// catalogue is listed; concurrent lookups of one catalogue share one listing.
func TestReadCacheCatalogsConcurrent(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	env.Server.SetFaults(emulator.Faults{SlowDelay: 5 * time.Second})
	started := make(chan struct{})
	var once sync.Once
	env.Server.InjectNext(1, emulator.FaultSlow, func(r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/roles") {
			once.Do(func() { close(started) })
			return true
		}
		return false
	})
	pd := &providerData{client: env.Client(t)}
	cache := newReadCache()
	slow := make(chan error, 1)
	go func() {
		_, err := cache.CatalogIDs(context.Background(), pd, env.AccountID, catalogRoles)
		slow <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = cache.CatalogIDs(ctx, pd, env.AccountID, catalogPermissionGroups)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("permission groups while the roles listing hangs: %v", err)
		}
	}
	if n := env.Server.CountRequests("GET", "/iam/permission_groups"); n != 1 { // 46 entries: one page
		t.Fatalf("8 concurrent lookups made %d page requests, want one listing (1 page)", n)
	}
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
}
