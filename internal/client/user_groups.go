package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// UserGroupsService is /accounts/{account_id}/iam/user_groups.
type UserGroupsService struct{ c *Client }

// UserGroupListOptions filters a listing of groups.
type UserGroupListOptions struct {
	ID, Name, FuzzyName string
	PerPage             int // default 50
}

// UserGroupCreate is the body of a new group.
type UserGroupCreate struct {
	Name     string
	Policies []PolicyInput
	// Guard decides whether a create whose outcome is unknown may adopt the group a lookup finds.
	Guard CreateGuard
}

// UserGroupUpdate changes a group; a nil field is not sent and stays as it is.
type UserGroupUpdate struct {
	Name     *string
	Policies *[]PolicyInput
}

func userGroupsPath(accountID string) string {
	return "/accounts/" + url.PathEscape(accountID) + "/iam/user_groups"
}

// List reads every group of the account that matches opts.
func (s *UserGroupsService) List(ctx context.Context, accountID string, opts UserGroupListOptions) iter.Seq2[UserGroup, error] {
	q := url.Values{}
	for k, v := range map[string]string{"id": opts.ID, "name": opts.Name, "fuzzyName": opts.FuzzyName} {
		if v != "" {
			q.Set(k, v)
		}
	}
	perPage := opts.PerPage
	if perPage == 0 {
		perPage = 50
	}
	return list[UserGroup](ctx, s.c, userGroupsPath(accountID), q, perPage)
}

// Get reads one group.
func (s *UserGroupsService) Get(ctx context.Context, accountID, groupID string) (*UserGroup, error) {
	var g UserGroup
	if _, err := s.c.do(ctx, http.MethodGet, userGroupsPath(accountID)+"/"+url.PathEscape(groupID), nil, nil, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// Create makes a group. Group names are unique in an account, which is what lets Create find out
// whether an attempt with an unknown outcome took effect (see createReconciled).
func (s *UserGroupsService) Create(ctx context.Context, accountID string, in UserGroupCreate) (*UserGroup, error) {
	body := map[string]any{"name": in.Name, "policies": nonNilPolicies(in.Policies)}
	sent := time.Now()
	return createReconciled(ctx, s.c, fmt.Sprintf("a user group named %q", in.Name), in.Guard,
		func(ctx context.Context, opts ...RequestOption) (*UserGroup, error) {
			var g UserGroup
			_, err := s.c.do(ctx, http.MethodPost, userGroupsPath(accountID), nil, body, &g, opts...)
			return &g, err
		},
		func(ctx context.Context) (*UserGroup, error) { return s.FindByName(ctx, accountID, in.Name) },
		func(ctx context.Context, g *UserGroup) error {
			if !samePolicies(in.Policies, g.Policies) {
				return errors.New("its policies differ from the ones sent")
			}
			// created_on is the API's clock; allow for a skewed one, never for an old group.
			if !g.CreatedOn.IsZero() && g.CreatedOn.Before(sent.Add(-createdOnSkew)) {
				return fmt.Errorf("it was created on %s, before this create was sent", g.CreatedOn.UTC().Format(time.RFC3339))
			}
			// A group this create made has no members yet (a new group's members may answer 404 for a
			// short while: that is no member either).
			for m, err := range s.c.GroupMembers.List(ctx, accountID, g.ID) {
				if errors.Is(err, ErrNotFound) {
					break
				}
				if err != nil {
					return fmt.Errorf("its members could not be read: %w", err)
				}
				return fmt.Errorf("it already has members (%s, ...)", m.ID)
			}
			return nil
		},
		func(g *UserGroup) string { return g.ID })
}

// createdOnSkew is how far the API's clock may be behind ours when a group's created_on is
// compared with the time its create was sent.
const createdOnSkew = 5 * time.Minute

// Update changes the name and/or the policies of a group. Policy IDs are never sent: the API
// issues new ones on every write and rejects old ones.
func (s *UserGroupsService) Update(ctx context.Context, accountID, groupID string, in UserGroupUpdate) (*UserGroup, error) {
	body := map[string]any{}
	if in.Name != nil {
		body["name"] = *in.Name
	}
	if in.Policies != nil {
		body["policies"] = nonNilPolicies(*in.Policies)
	}
	var g UserGroup
	if _, err := s.c.do(ctx, http.MethodPut, userGroupsPath(accountID)+"/"+url.PathEscape(groupID), nil, body, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// Delete removes a group and its memberships.
func (s *UserGroupsService) Delete(ctx context.Context, accountID, groupID string) error {
	_, err := s.c.do(ctx, http.MethodDelete, userGroupsPath(accountID)+"/"+url.PathEscape(groupID), nil, nil, nil)
	return err
}

// FindByName returns the group with exactly this name, ErrNotFound, or ErrMultipleMatches.
func (s *UserGroupsService) FindByName(ctx context.Context, accountID, name string) (*UserGroup, error) {
	return findOne(s.List(ctx, accountID, UserGroupListOptions{Name: name}), func(g UserGroup) bool { return g.Name == name },
		userGroupsPath(accountID), "user group named "+name)
}

func nonNilPolicies(p []PolicyInput) []PolicyInput {
	if p == nil {
		return []PolicyInput{}
	}
	return p
}
