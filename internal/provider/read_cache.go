package provider

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// directReadsBeforeListing is how many resources of one kind in one account are refreshed with a
// GET each before the provider switches to one paged listing of the whole account (50 per page)
// and answers the remaining refreshes from it. Small configurations keep costing one request per
// resource; a configuration with hundreds of members costs a handful of GETs plus one request per
// 50 members, instead of one request per member, which is what keeps large plans under the API's
// rate limit.
const directReadsBeforeListing = 5

// readCache holds, for the life of one provider process (one terraform command), listings of the
// account's members and groups. Every write through the provider invalidates the account's listing
// of that kind, so a read never sees a state older than the provider's own last write. Nothing is
// kept across processes.
type readCache struct {
	members  *snapshots[client.Member]
	groups   *snapshots[client.UserGroup]
	catalogs loadOnce[map[string]bool] // catalogue IDs, by kind + "/" + account; never change in a run
	presence presence

	catalogsMu     sync.Mutex
	catalogsFailed map[string]bool // kind + "/" + account whose listing failed (reported once)

	// ClickHouse lists are not paged: one listing of the organization's members and one of its
	// invitations answer every refresh of a run (and are read again after a write).
	chMembers     *snapshots[client.ClickHouseMember]
	chInvitations *snapshots[client.ClickHouseInvitation]

	createdMu sync.Mutex
	created   map[string]bool // IDs of members and groups this process created
}

// NoteCreated records an object this process created: the plan-time existence checks that
// Terraform repeats during apply then need no request for it.
func (c *readCache) NoteCreated(id string) {
	c.createdMu.Lock()
	defer c.createdMu.Unlock()
	if c.created == nil {
		c.created = map[string]bool{}
	}
	c.created[id] = true
}

// Created reports whether this process created the object.
func (c *readCache) Created(id string) bool {
	c.createdMu.Lock()
	defer c.createdMu.Unlock()
	return c.created[id]
}

func newReadCache() *readCache {
	return &readCache{
		members: newSnapshots(func(m client.Member) string { return m.ID }),
		groups:  newSnapshots(func(g client.UserGroup) string { return g.ID }),

		chMembers:     newListingSnapshots(func(m client.ClickHouseMember) string { return m.UserID }),
		chInvitations: newListingSnapshots(func(i client.ClickHouseInvitation) string { return i.ID }),
	}
}

// ClickHouseOrg returns the organization's members (by user ID) and invitations (by ID), each
// from one listing per run. Either listing failing is an error, never a shorter organization.
func (c *readCache) ClickHouseOrg(ctx context.Context, cl *client.ClickHouse, orgID string) (map[string]client.ClickHouseMember, map[string]client.ClickHouseInvitation, error) {
	members, err := c.chMembers.load(ctx, orgID, func() ([]client.ClickHouseMember, error) {
		return client.Collect(cl.Members.List(ctx, orgID))
	})
	if err != nil {
		return nil, nil, err
	}
	invitations, err := c.chInvitations.load(ctx, orgID, func() ([]client.ClickHouseInvitation, error) {
		return client.Collect(cl.Invitations.List(ctx, orgID))
	})
	if err != nil {
		return nil, nil, err
	}
	return members, invitations, nil
}

// InvalidateClickHouse must be called after every write to the organization's members or invitations.
func (c *readCache) InvalidateClickHouse(orgID string) {
	c.chMembers.invalidate(orgID)
	c.chInvitations.invalidate(orgID)
}

// Member returns one account member, from the account listing once enough members were read.
func (c *readCache) Member(ctx context.Context, cl *client.Client, accountID, memberID string) (*client.Member, error) {
	return c.members.get(ctx, accountID, memberID,
		func() (*client.Member, error) { return cl.Members.Get(ctx, accountID, memberID) },
		func() ([]client.Member, error) {
			return client.Collect(cl.Members.List(ctx, accountID, client.MemberListOptions{}))
		})
}

// Group returns one user group, from the account listing once enough groups were read.
func (c *readCache) Group(ctx context.Context, cl *client.Client, accountID, groupID string) (*client.UserGroup, error) {
	return c.groups.get(ctx, accountID, groupID,
		func() (*client.UserGroup, error) { return cl.UserGroups.Get(ctx, accountID, groupID) },
		func() ([]client.UserGroup, error) {
			return client.Collect(cl.UserGroups.List(ctx, accountID, client.UserGroupListOptions{}))
		})
}

// AllMembers returns every member of the account (by ID) from one paged listing per run, shared
// with the refreshes of iam_account_member; a failed or partial listing is an error.
func (c *readCache) AllMembers(ctx context.Context, cl *client.Client, accountID string) (map[string]client.Member, error) {
	return c.members.all(ctx, accountID, func() ([]client.Member, error) {
		return client.Collect(cl.Members.List(ctx, accountID, client.MemberListOptions{}))
	})
}

// InvalidateMembers must be called after every write to the account's members.
func (c *readCache) InvalidateMembers(accountID string) { c.members.invalidate(accountID) }

// InvalidateGroups must be called after every write to the account's groups.
func (c *readCache) InvalidateGroups(accountID string) { c.groups.invalidate(accountID) }

// CatalogIDs returns the IDs of one of the account's catalogues (roles, permission groups,
// resource groups), listed once per run: the plan-time ID checks of every resource share it.
//
// A listing that fails (other than by cancellation) is reported once: that caller gets the error,
// every later one errCatalogWarned without a request.
func (c *readCache) CatalogIDs(ctx context.Context, pd *providerData, accountID string, kind catalogKind) (map[string]bool, error) {
	key := kind.typeSuffix + "/" + accountID
	c.catalogsMu.Lock()
	failed := c.catalogsFailed[key]
	c.catalogsMu.Unlock()
	if failed {
		return nil, errCatalogWarned
	}
	ids, err := c.catalogs.get(ctx, key, func() (map[string]bool, error) {
		entries, err := kind.list(ctx, pd, accountID)
		if err != nil {
			return nil, err
		}
		ids := make(map[string]bool, len(entries))
		for _, e := range entries {
			ids[e.ID] = true
		}
		return ids, nil
	})
	if err != nil && ctx.Err() == nil {
		c.catalogsMu.Lock()
		defer c.catalogsMu.Unlock()
		if c.catalogsFailed[key] { // a concurrent caller shared this listing and reports it
			return nil, errCatalogWarned
		}
		if c.catalogsFailed == nil {
			c.catalogsFailed = map[string]bool{}
		}
		c.catalogsFailed[key] = true
	}
	return ids, err
}

// loadOnce is the provider's one cache design: a value per key, loaded by one caller while
// concurrent callers of the same key wait for that load (singleflight) instead of each making
// their own requests. No lock is held across the load's network I/O. A failed load is not kept
// (the next caller tries again), and a load that an invalidation overtook is not kept either, so a
// read never sees a state older than the last write.
type loadOnce[V any] struct {
	flight singleflight.Group

	mu   sync.Mutex
	vals map[string]V
	gen  map[string]uint64 // bumped by invalidate
}

func (c *loadOnce[V]) get(ctx context.Context, key string, load func() (V, error)) (V, error) {
	c.mu.Lock()
	if v, ok := c.vals[key]; ok {
		c.mu.Unlock()
		return v, nil
	}
	gen := c.gen[key]
	c.mu.Unlock()

	ch := c.flight.DoChan(key, func() (any, error) {
		v, err := load()
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen[key] == gen { // no write since the load started
			if c.vals == nil {
				c.vals = map[string]V{}
			}
			c.vals[key] = v
		}
		return v, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			var zero V
			return zero, res.Err
		}
		v, _ := res.Val.(V) // load returns a V
		return v, nil
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// cached reports whether key has a value (loaded, not invalidated since).
func (c *loadOnce[V]) cached(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.vals[key]
	return ok
}

// invalidate drops key's value; a load in flight finishes for its waiters but is not kept, and the
// next caller starts a new one.
func (c *loadOnce[V]) invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.vals, key)
	if c.gen == nil {
		c.gen = map[string]uint64{}
	}
	c.gen[key]++
	c.flight.Forget(key)
}

// snapshots serves single objects of one kind from a per-account listing (a loadOnce), after
// directReadsBeforeListing direct reads.
type snapshots[T any] struct {
	idOf     func(T) string
	direct   int // direct reads per account before one listing answers them
	listings loadOnce[map[string]T]

	mu          sync.Mutex
	directReads map[string]int // per account, since the last invalidation
}

func newSnapshots[T any](idOf func(T) string) *snapshots[T] {
	return &snapshots[T]{idOf: idOf, direct: directReadsBeforeListing, directReads: map[string]int{}}
}

// newListingSnapshots is for an API whose listing is one request: it always lists.
func newListingSnapshots[T any](idOf func(T) string) *snapshots[T] {
	return &snapshots[T]{idOf: idOf, directReads: map[string]int{}}
}

func (s *snapshots[T]) invalidate(accountID string) {
	s.mu.Lock()
	delete(s.directReads, accountID)
	s.mu.Unlock()
	s.listings.invalidate(accountID)
}

// direct reports whether this read should be a direct read of one object (the first few reads
// of an account, while no listing is cached).
func (s *snapshots[T]) readDirect(accountID string) bool {
	if s.listings.cached(accountID) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.directReads[accountID] < s.direct {
		s.directReads[accountID]++
		return true
	}
	return false
}

func (s *snapshots[T]) get(ctx context.Context, accountID, id string, getOne func() (*T, error), listAll func() ([]T, error)) (*T, error) {
	if s.readDirect(accountID) {
		return getOne()
	}
	items, err := s.load(ctx, accountID, listAll)
	if err != nil {
		return nil, fmt.Errorf("listing the account to refresh %s: %w", id, err)
	}
	it, ok := items[id]
	if !ok {
		// Absent from the listing is not yet gone: a listing read while someone else writes can
		// miss an object that moved between its pages. One GET decides; only its "not found"
		// removes the object from state.
		return getOne()
	}
	return &it, nil
}

// all returns the account's whole listing, making it now if no read has yet.
func (s *snapshots[T]) all(ctx context.Context, accountID string, listAll func() ([]T, error)) (map[string]T, error) {
	s.mu.Lock()
	s.directReads[accountID] = s.direct // no more direct reads: list
	s.mu.Unlock()
	return s.load(ctx, accountID, listAll)
}

// load returns the account's listing by ID, listed once (concurrent callers share the listing).
func (s *snapshots[T]) load(ctx context.Context, accountID string, listAll func() ([]T, error)) (map[string]T, error) {
	return s.listings.get(ctx, accountID, func() (map[string]T, error) {
		list, err := listAll()
		if err != nil {
			return nil, err
		}
		byID := make(map[string]T, len(list))
		for _, it := range list {
			byID[s.idOf(it)] = it
		}
		return byID, nil
	})
}
