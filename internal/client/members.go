package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// MembersService is /accounts/{account_id}/members.
type MembersService struct{ c *Client }

// MemberListOptions filters a listing of members.
type MemberListOptions struct {
	Status  string // accepted, pending or rejected; empty for all
	PerPage int    // 5..50; default 50
}

// MemberCreate is the body of an invitation: roles (sent as ID strings) or policies, not both.
type MemberCreate struct {
	Email    string
	Roles    []string
	Policies []PolicyInput
	Status   string // "pending" (invitation) or "accepted"; empty leaves it to the API
	// Guard decides whether a create whose outcome is unknown may adopt the member a lookup finds.
	Guard CreateGuard
}

// MemberUpdate replaces the roles (sent as [{"id"}] objects on PUT) or the policies of a member.
type MemberUpdate struct {
	Roles    []string
	Policies []PolicyInput
}

func membersPath(accountID string) string {
	return "/accounts/" + url.PathEscape(accountID) + "/members"
}

// List reads every member of the account.
func (s *MembersService) List(ctx context.Context, accountID string, opts MemberListOptions) iter.Seq2[Member, error] {
	q := url.Values{}
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	perPage := opts.PerPage
	if perPage == 0 {
		perPage = 50
	}
	return list[Member](ctx, s.c, membersPath(accountID), q, perPage)
}

// Get reads one member.
func (s *MembersService) Get(ctx context.Context, accountID, memberID string) (*Member, error) {
	var m Member
	if _, err := s.c.do(ctx, http.MethodGet, membersPath(accountID)+"/"+url.PathEscape(memberID), nil, nil, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Create adds (invites) a member. The API's answer is reported to leave out the roles. A POST is
// never repeated blindly: see createReconciled.
func (s *MembersService) Create(ctx context.Context, accountID string, in MemberCreate) (*Member, error) {
	body := map[string]any{"email": in.Email}
	if in.Policies != nil {
		body["policies"] = in.Policies
	} else {
		body["roles"] = nonNil(in.Roles)
	}
	if in.Status != "" {
		body["status"] = in.Status
	}
	return createReconciled(ctx, s.c, "a member with email "+in.Email, in.Guard,
		func(ctx context.Context, opts ...RequestOption) (*Member, error) {
			var m Member
			_, err := s.c.do(ctx, http.MethodPost, membersPath(accountID), nil, body, &m, opts...)
			return &m, err
		},
		func(ctx context.Context) (*Member, error) { return s.FindByEmail(ctx, accountID, in.Email) },
		func(_ context.Context, m *Member) error { return in.differences(m) },
		func(m *Member) string { return m.ID })
}

// differences says how a member found after a create differs from what the create sent.
func (in MemberCreate) differences(m *Member) error {
	var diffs []string
	if in.Status != "" && m.Status != in.Status {
		diffs = append(diffs, fmt.Sprintf("its status is %q, the create asked for %q", m.Status, in.Status))
	}
	if in.Policies != nil {
		if !samePolicies(in.Policies, m.Policies) {
			diffs = append(diffs, "its policies differ from the ones sent")
		}
	} else {
		ids := make([]string, 0, len(m.Roles))
		for _, r := range m.Roles {
			ids = append(ids, r.ID)
		}
		if !sameSet(ids, in.Roles) {
			diffs = append(diffs, fmt.Sprintf("its roles %v differ from the ones sent %v", ids, in.Roles))
		}
	}
	if len(diffs) > 0 {
		return errors.New(strings.Join(diffs, "; "))
	}
	return nil
}

// Update replaces the member's roles or policies (only the one that is set is sent).
func (s *MembersService) Update(ctx context.Context, accountID, memberID string, in MemberUpdate) (*Member, error) {
	body := map[string]any{}
	if in.Policies != nil {
		body["policies"] = in.Policies
	} else {
		body["roles"] = idRefs(in.Roles)
	}
	var m Member
	if _, err := s.c.do(ctx, http.MethodPut, membersPath(accountID)+"/"+url.PathEscape(memberID), nil, body, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Delete removes a member from the account.
func (s *MembersService) Delete(ctx context.Context, accountID, memberID string) error {
	_, err := s.c.do(ctx, http.MethodDelete, membersPath(accountID)+"/"+url.PathEscape(memberID), nil, nil, nil)
	return err
}

// FindByEmail pages through the members (the API has no email filter) and returns the one whose
// email matches case-insensitively, ErrNotFound, or ErrMultipleMatches.
func (s *MembersService) FindByEmail(ctx context.Context, accountID, email string) (*Member, error) {
	return findOne(s.List(ctx, accountID, MemberListOptions{}), func(m Member) bool {
		return strings.EqualFold(m.Email, email) || (m.User != nil && strings.EqualFold(m.User.Email, email))
	}, membersPath(accountID), "member with email "+email)
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
