package provider

import (
	"context"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// A create whose outcome is unknown (a 5xx, a dropped connection, a success without the object)
// may adopt what a lookup finds afterwards only when it provably came from this create. Part of
// that proof is that no member had the email (no group had the name) before the create was sent:
// the provider process lists the account once per kind (through the read cache, shared with the
// refresh: never one request per resource) before its first create, and keeps that listing current
// with its own creates, renames and deletes. The client checks the rest (see client.CreateGuard).

// createGuard says whether key (an email or a group name) was free before this create. A listing
// that fails proves nothing: then no lookup is ever adopted, and the create works as usual.
func (pd *providerData) createGuard(ctx context.Context, accountID string, members bool, key string) client.CreateGuard {
	holder, err := pd.cache.presence.holder(ctx, pd.cache, pd.client, accountID, members, key)
	if err != nil {
		tflog.Debug(ctx, "cannot list the account before a create; an unknown create outcome will not adopt what it finds", map[string]any{"error": err.Error()})
		return client.CreateGuard{}
	}
	return client.CreateGuard{AbsentBefore: holder == ""}
}

// presence knows which member emails and group names are taken in an account: from one listing
// per kind and account per provider process (the read cache's, when the refresh made one), kept
// current with this process's own creates, renames and deletes, never re-listed after them.
type presence struct {
	mu       sync.Mutex
	accounts map[string]*presenceIndex // "m/" or "g/" + account
}

type presenceIndex struct {
	loaded  chan struct{}
	keys    map[string]string // normalised email or name -> ID
	err     error
	pending []func(map[string]string) // own writes made while the listing was in flight
}

func presenceKey(members bool, key string) string {
	if members {
		return strings.ToLower(key) // emails are case-insensitive
	}
	return key
}

func presenceAccount(members bool, accountID string) string {
	if members {
		return "m/" + accountID
	}
	return "g/" + accountID
}

// holder returns the ID of the member with this email (group with this name), "" when free.
func (p *presence) holder(ctx context.Context, cache *readCache, cl *client.Client, accountID string, members bool, key string) (string, error) {
	idx, err := p.load(ctx, cache, cl, accountID, members)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return idx.keys[presenceKey(members, key)], nil
}

func (p *presence) load(ctx context.Context, cache *readCache, cl *client.Client, accountID string, members bool) (*presenceIndex, error) {
	name := presenceAccount(members, accountID)
	p.mu.Lock()
	if p.accounts == nil {
		p.accounts = map[string]*presenceIndex{}
	}
	idx := p.accounts[name]
	loader := idx == nil
	if loader {
		idx = &presenceIndex{loaded: make(chan struct{})}
		p.accounts[name] = idx
	}
	p.mu.Unlock()
	if loader {
		keys := map[string]string{}
		var err error
		if members {
			var all map[string]client.Member
			if all, err = cache.members.all(ctx, accountID, func() ([]client.Member, error) {
				return client.Collect(cl.Members.List(ctx, accountID, client.MemberListOptions{}))
			}); err == nil {
				for id, m := range all {
					keys[presenceKey(true, m.Email)] = id
				}
			}
		} else {
			var all map[string]client.UserGroup
			if all, err = cache.groups.all(ctx, accountID, func() ([]client.UserGroup, error) {
				return client.Collect(cl.UserGroups.List(ctx, accountID, client.UserGroupListOptions{}))
			}); err == nil {
				for id, g := range all {
					keys[g.Name] = id
				}
			}
		}
		p.mu.Lock()
		idx.keys, idx.err = keys, err
		for _, apply := range idx.pending {
			apply(keys)
		}
		idx.pending = nil
		// A failed listing is kept for the run: one failed request, not one per create (the creates
		// then work as usual, only without the proof that would let them adopt).
		close(idx.loaded)
		p.mu.Unlock()
	}
	select {
	case <-idx.loaded:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return idx, idx.err
}

// note records this process's own write: key now held by id, or freed when id is "".
func (p *presence) note(accountID string, members bool, key, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	idx := p.accounts[presenceAccount(members, accountID)]
	if idx == nil {
		return // not listed yet: its listing will see the write
	}
	k := presenceKey(members, key)
	apply := func(keys map[string]string) {
		if id == "" {
			delete(keys, k)
		} else {
			keys[k] = id
		}
	}
	select {
	case <-idx.loaded:
		if idx.err == nil {
			apply(idx.keys)
		}
	default:
		idx.pending = append(idx.pending, apply)
	}
}
