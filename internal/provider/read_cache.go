package provider

import (
	"context"
	"fmt"
	"sync"

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
	catalogs catalogCache

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

// InvalidateMembers must be called after every write to the account's members.
func (c *readCache) InvalidateMembers(accountID string) { c.members.invalidate(accountID) }

// InvalidateGroups must be called after every write to the account's groups.
func (c *readCache) InvalidateGroups(accountID string) { c.groups.invalidate(accountID) }

type snapshots[T any] struct {
	idOf     func(T) string
	direct   int // direct reads per account before one listing answers them
	mu       sync.Mutex
	accounts map[string]*snapshot[T]
}

type snapshot[T any] struct {
	directReads int
	loaded      chan struct{} // closed when items or err is set; nil until a listing starts
	items       map[string]T
	err         error
}

func newSnapshots[T any](idOf func(T) string) *snapshots[T] {
	return &snapshots[T]{idOf: idOf, direct: directReadsBeforeListing, accounts: map[string]*snapshot[T]{}}
}

// newListingSnapshots is for an API whose listing is one request: it always lists.
func newListingSnapshots[T any](idOf func(T) string) *snapshots[T] {
	return &snapshots[T]{idOf: idOf, accounts: map[string]*snapshot[T]{}}
}

func (s *snapshots[T]) invalidate(accountID string) {
	s.mu.Lock()
	delete(s.accounts, accountID)
	s.mu.Unlock()
}

func (s *snapshots[T]) get(ctx context.Context, accountID, id string, getOne func() (*T, error), listAll func() ([]T, error)) (*T, error) {
	items, err := s.load(ctx, accountID, listAll)
	if items == nil && err == nil { // a direct read
		return getOne()
	}
	if err != nil {
		return nil, fmt.Errorf("listing the account to refresh %s: %w", id, err)
	}
	it, ok := items[id]
	if !ok {
		return nil, fmt.Errorf("%s is not in the account's listing: %w", id, client.ErrNotFound)
	}
	return &it, nil
}

// load returns the account's listing, (nil, nil) when the caller should read one object directly
// instead (fewer than directReadsBeforeListing so far), or the listing's error. Concurrent callers
// share one listing.
func (s *snapshots[T]) load(ctx context.Context, accountID string, listAll func() ([]T, error)) (map[string]T, error) {
	s.mu.Lock()
	snap := s.accounts[accountID]
	if snap == nil {
		snap = &snapshot[T]{}
		s.accounts[accountID] = snap
	}
	if snap.loaded == nil && snap.directReads < s.direct {
		snap.directReads++
		s.mu.Unlock()
		return nil, nil
	}
	loader := snap.loaded == nil
	if loader {
		snap.loaded = make(chan struct{})
	}
	s.mu.Unlock()

	if loader {
		items, err := listAll()
		s.mu.Lock()
		if err != nil {
			snap.err = err
			if s.accounts[accountID] == snap { // let the next read try again
				delete(s.accounts, accountID)
			}
		} else {
			snap.items = make(map[string]T, len(items))
			for _, it := range items {
				snap.items[s.idOf(it)] = it
			}
		}
		close(snap.loaded)
		s.mu.Unlock()
	}

	select {
	case <-snap.loaded:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return snap.items, snap.err
}
