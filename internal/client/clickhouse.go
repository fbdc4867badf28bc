package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultClickHouseURL is the public ClickHouse Cloud API, with its version.
const DefaultClickHouseURL = "https://api.clickhouse.cloud/v1"

// defaultClickHouseRate keeps one key under the API's 10 requests per 10 seconds, evenly spaced,
// with room for the window edges.
const defaultClickHouseRate = 0.9

// ClickHouseConfig configures a ClickHouse Cloud client: the API key, and the shared transport
// settings (BaseURL defaults to DefaultClickHouseURL, RequestsPerSecond to 0.9). The Cloudflare
// credentials of the embedded Config are ignored.
type ClickHouseConfig struct {
	Config
	KeyID, KeySecret string
}

// ClickHouse is the client of the ClickHouse Cloud organization API: members, invitations and
// roles. It sends every request through the same request path as Client (limiter, retries, typed
// errors); only the adapter differs.
type ClickHouse struct {
	Members     *ClickHouseMembersService
	Invitations *ClickHouseInvitationsService
	Roles       *ClickHouseRolesService

	c *Client
}

// NewClickHouse validates cfg and builds a client.
func NewClickHouse(cfg ClickHouseConfig) (*ClickHouse, error) {
	// Trimmed as the Cloudflare credentials are (see New): basic auth would carry a trailing newline
	// into the encoded header, a 401 on every request.
	cfg.KeyID, cfg.KeySecret = strings.TrimSpace(cfg.KeyID), strings.TrimSpace(cfg.KeySecret)
	if cfg.KeyID == "" || cfg.KeySecret == "" {
		return nil, errors.New("ClickHouse credentials missing: set the API key ID and its secret")
	}
	cc := cfg.Config
	cc.APIToken, cc.APIKey, cc.Email = "", "", ""
	if cc.BaseURL == "" {
		cc.BaseURL = DefaultClickHouseURL
	}
	if cc.RequestsPerSecond <= 0 {
		cc.RequestsPerSecond = defaultClickHouseRate
	}
	c, err := newClient(cc, clickhouseAPI{keyID: cfg.KeyID, keySecret: cfg.KeySecret}, "api_url")
	if err != nil {
		return nil, err
	}
	return &ClickHouse{
		Members:     &ClickHouseMembersService{c: c},
		Invitations: &ClickHouseInvitationsService{c: c},
		Roles:       &ClickHouseRolesService{c: c},
		c:           c,
	}, nil
}

// Stats returns the counters so far.
func (ch *ClickHouse) Stats() Stats { return ch.c.Stats() }

// Mask hides the configured key secret (and any piece of it at least 8 characters long) in s.
func (ch *ClickHouse) Mask(s string) string { return ch.c.Mask(s) }

// BaseURL is the API base URL in use.
func (ch *ClickHouse) BaseURL() string { return ch.c.BaseURL() }

// ClickHouseAssignedRole is a role as members and invitations show it.
type ClickHouseAssignedRole struct {
	RoleID   string `json:"roleId"`
	RoleName string `json:"roleName"`
	RoleType string `json:"roleType"` // system or custom
}

// ClickHouseMember is a person in the organization. The deprecated `role` field is left out on
// purpose: organizations migrated to custom roles keep it frozen at an old value.
type ClickHouseMember struct {
	UserID        string                   `json:"userId"`
	Name          string                   `json:"name"`
	Email         string                   `json:"email"`
	JoinedAt      string                   `json:"joinedAt"`
	AssignedRoles []ClickHouseAssignedRole `json:"assignedRoles"`
}

// RoleIDs returns the IDs of the member's roles.
func (m ClickHouseMember) RoleIDs() []string { return assignedRoleIDs(m.AssignedRoles) }

// ClickHouseInvitation is a pending (or expired) invitation. Accepting it consumes it: the person
// shows in members and the invitation answers 404.
type ClickHouseInvitation struct {
	ID            string                   `json:"id"`
	Email         string                   `json:"email"` // stored lowercased by the API
	CreatedAt     time.Time                `json:"createdAt"`
	ExpireAt      time.Time                `json:"expireAt"`
	AssignedRoles []ClickHouseAssignedRole `json:"assignedRoles"`
}

// RoleIDs returns the IDs of the invitation's roles.
func (i ClickHouseInvitation) RoleIDs() []string { return assignedRoleIDs(i.AssignedRoles) }

// Expired reports whether the invitation can no longer be accepted.
func (i ClickHouseInvitation) Expired(now time.Time) bool {
	return !i.ExpireAt.IsZero() && !now.Before(i.ExpireAt)
}

// ClickHouseRole is a role of the organization: system (Admin, Billing, ...) or custom.
type ClickHouseRole struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"` // system or custom
}

func assignedRoleIDs(roles []ClickHouseAssignedRole) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, r.RoleID)
	}
	return out
}

func orgPath(orgID, rest string) string {
	return "/organizations/" + url.PathEscape(orgID) + rest
}

// listOnce is the ClickHouse list: the API does not page, so one GET returns everything. Callers
// see the same iterator as for paged listings; an error ends it, never a partial list.
func listOnce[T any](ctx context.Context, c *Client, path string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var items []T
		_, err := c.do(ctx, http.MethodGet, path, nil, nil, &items)
		if err == nil && items == nil { // not a list: taken as an empty one, every member would drop from the state
			err = &listingError{Path: path, Page: 1, Reason: "the result is null or missing, not a list"}
		}
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// ClickHouseMembersService is /organizations/{organizationId}/members. People join only by
// accepting an invitation (in the UI), so there is no Create.
type ClickHouseMembersService struct{ c *Client }

// List reads every member of the organization.
func (s *ClickHouseMembersService) List(ctx context.Context, orgID string) iter.Seq2[ClickHouseMember, error] {
	return listOnce[ClickHouseMember](ctx, s.c, orgPath(orgID, "/members"))
}

// Get reads one member.
func (s *ClickHouseMembersService) Get(ctx context.Context, orgID, userID string) (*ClickHouseMember, error) {
	return getOne[ClickHouseMember](ctx, s.c, orgPath(orgID, "/members/"+url.PathEscape(userID)))
}

// ErrReadLag means a change was accepted but reads did not show it within the wait.
var ErrReadLag = errors.New("the change is not visible in reads yet")

// Update replaces the member's roles (PATCH assignedRoleIds). The answer, and reads for some
// seconds after it, may still show the old roles (reported; other clients poll up to 30 s): Update
// returns once a read shows the new roles, reading again after 1, 2, 4, 5, 5... seconds, for at
// most lagWait (0: 30 s). When reads still lag after that, it returns the member as last read
// and an error matching ErrReadLag; the PATCH itself was applied.
func (s *ClickHouseMembersService) Update(ctx context.Context, orgID, userID string, roleIDs []string, lagWait time.Duration) (*ClickHouseMember, error) {
	path := orgPath(orgID, "/members/"+url.PathEscape(userID))
	var m ClickHouseMember
	if _, err := s.c.do(ctx, http.MethodPatch, path, nil, map[string]any{"assignedRoleIds": nonNil(roleIDs)}, &m); err != nil {
		return nil, err
	}
	if lagWait <= 0 {
		lagWait = 30 * time.Second
	}
	deadline := time.Now().Add(lagWait)
	for wait := time.Second; ; wait = min(2*wait, 5*time.Second) {
		if sameIDs(m.RoleIDs(), roleIDs) {
			return &m, nil
		}
		if time.Now().Add(wait).After(deadline) {
			return &m, fmt.Errorf("PATCH %s: %w: reads still show roles %v after %v", path, ErrReadLag, m.RoleIDs(), lagWait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		got, err := s.Get(ctx, orgID, userID)
		if err != nil {
			return nil, err
		}
		m = *got
	}
}

func sameIDs(a, b []string) bool {
	set := make(map[string]bool, len(a))
	for _, id := range a {
		set[id] = true
	}
	if len(set) != len(b) {
		return false
	}
	for _, id := range b {
		if !set[id] {
			return false
		}
	}
	return true
}

// Delete removes the member from the organization.
func (s *ClickHouseMembersService) Delete(ctx context.Context, orgID, userID string) error {
	_, err := s.c.do(ctx, http.MethodDelete, orgPath(orgID, "/members/"+url.PathEscape(userID)), nil, nil, nil)
	return err
}

// FindByEmail returns the member whose email matches case-insensitively, ErrNotFound, or
// ErrMultipleMatches.
func (s *ClickHouseMembersService) FindByEmail(ctx context.Context, orgID, email string) (*ClickHouseMember, error) {
	return findOne(s.List(ctx, orgID), func(m ClickHouseMember) bool { return strings.EqualFold(m.Email, email) },
		orgPath(orgID, "/members"), "member with email "+email)
}

// ClickHouseInvitationsService is /organizations/{organizationId}/invitations: list, get, create,
// delete (no update: a role change of an invitation is a new invitation).
type ClickHouseInvitationsService struct{ c *Client }

// InvitationCreate is the body of an invitation.
type InvitationCreate struct {
	Email   string
	RoleIDs []string
}

// ErrInvitationPending is the answer of Create when the email already has a pending invitation
// (it matches ErrAlreadyExists too): the API does not refuse a second one, so the client does.
var ErrInvitationPending = fmt.Errorf("%w: a pending invitation for this email exists", ErrAlreadyExists)

// List reads every invitation of the organization, expired ones included.
func (s *ClickHouseInvitationsService) List(ctx context.Context, orgID string) iter.Seq2[ClickHouseInvitation, error] {
	return listOnce[ClickHouseInvitation](ctx, s.c, orgPath(orgID, "/invitations"))
}

// Get reads one invitation; an accepted (consumed) or revoked invitation is ErrNotFound.
func (s *ClickHouseInvitationsService) Get(ctx context.Context, orgID, invitationID string) (*ClickHouseInvitation, error) {
	return getOne[ClickHouseInvitation](ctx, s.c, orgPath(orgID, "/invitations/"+url.PathEscape(invitationID)))
}

// Create invites a person. It first lists the invitations: a pending one for the same email is
// ErrInvitationPending (never a second invitation email). A person who is already a member is the
// API's 409 (ErrAlreadyExists). When the POST's outcome is unknown, the invitation it may have
// created is looked up by email among those that were not there before, so a retry never sends a
// second invitation and never adopts someone else's.
func (s *ClickHouseInvitationsService) Create(ctx context.Context, orgID string, in InvitationCreate) (*ClickHouseInvitation, error) {
	before, err := Collect(s.List(ctx, orgID))
	if err != nil {
		return nil, err
	}
	existed := map[string]bool{}
	for _, inv := range before {
		existed[inv.ID] = true
		if strings.EqualFold(inv.Email, in.Email) && !inv.Expired(time.Now()) {
			return nil, fmt.Errorf("%w (invitation %s, expires %s)", ErrInvitationPending, inv.ID, inv.ExpireAt.Format(time.RFC3339))
		}
	}
	body := map[string]any{"email": in.Email, "assignedRoleIds": nonNil(in.RoleIDs)}
	path := orgPath(orgID, "/invitations")
	// The listing just made is the proof that whatever is found later, not in it, is this create's.
	return createReconciled(ctx, s.c, "an invitation for "+in.Email, CreateGuard{AbsentBefore: true},
		func(ctx context.Context, opts ...RequestOption) (*ClickHouseInvitation, error) {
			var inv ClickHouseInvitation
			_, err := s.c.do(ctx, http.MethodPost, path, nil, body, &inv, opts...)
			return &inv, err
		},
		func(ctx context.Context) (*ClickHouseInvitation, error) {
			return findOne(s.List(ctx, orgID), func(inv ClickHouseInvitation) bool {
				return !existed[inv.ID] && strings.EqualFold(inv.Email, in.Email)
			}, path, "new invitation for "+in.Email)
		},
		func(context.Context, *ClickHouseInvitation) error { return nil },
		func(inv *ClickHouseInvitation) string { return inv.ID })
}

// Delete revokes an invitation.
func (s *ClickHouseInvitationsService) Delete(ctx context.Context, orgID, invitationID string) error {
	_, err := s.c.do(ctx, http.MethodDelete, orgPath(orgID, "/invitations/"+url.PathEscape(invitationID)), nil, nil, nil)
	return err
}

// FindByEmail returns the invitation (pending or expired) for an email, compared
// case-insensitively: ErrNotFound, or ErrMultipleMatches when there are several.
func (s *ClickHouseInvitationsService) FindByEmail(ctx context.Context, orgID, email string) (*ClickHouseInvitation, error) {
	return findOne(s.List(ctx, orgID), func(inv ClickHouseInvitation) bool { return strings.EqualFold(inv.Email, email) },
		orgPath(orgID, "/invitations"), "invitation for "+email)
}

// ClickHouseRolesService is /organizations/{organizationId}/roles (read only here: custom roles
// and their actors are not managed by this provider).
type ClickHouseRolesService struct{ c *Client }

// List reads every role of the organization, system and custom.
func (s *ClickHouseRolesService) List(ctx context.Context, orgID string) iter.Seq2[ClickHouseRole, error] {
	return listOnce[ClickHouseRole](ctx, s.c, orgPath(orgID, "/roles"))
}

// Get reads one role.
func (s *ClickHouseRolesService) Get(ctx context.Context, orgID, roleID string) (*ClickHouseRole, error) {
	return getOne[ClickHouseRole](ctx, s.c, orgPath(orgID, "/roles/"+url.PathEscape(roleID)))
}
