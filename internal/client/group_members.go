package client

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
)

// GroupMembersService is /accounts/{account_id}/iam/user_groups/{user_group_id}/members. Its
// write bodies are bare JSON arrays of {"id"} objects.
type GroupMembersService struct{ c *Client }

const groupMembersPerPage = 500 // the API's maximum

func groupMembersPath(accountID, groupID string) string {
	return userGroupsPath(accountID) + "/" + url.PathEscape(groupID) + "/members"
}

// List reads every member of the group, across all pages.
func (s *GroupMembersService) List(ctx context.Context, accountID, groupID string, opts ...RequestOption) iter.Seq2[GroupMember, error] {
	return list[GroupMember](ctx, s.c, groupMembersPath(accountID, groupID), nil, groupMembersPerPage, opts...)
}

// ListAll collects List; any failed page is an error, never a partial (or empty) set.
func (s *GroupMembersService) ListAll(ctx context.Context, accountID, groupID string) ([]GroupMember, error) {
	return Collect(s.List(ctx, accountID, groupID))
}

// Get reads one member of the group.
func (s *GroupMembersService) Get(ctx context.Context, accountID, groupID, memberID string) (*GroupMember, error) {
	var m GroupMember
	if _, err := s.c.do(ctx, http.MethodGet, groupMembersPath(accountID, groupID)+"/"+url.PathEscape(memberID), nil, nil, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Create adds members to the group (POST). Adding a member twice is harmless on the API's side,
// so this POST is retried like an idempotent request.
func (s *GroupMembersService) Create(ctx context.Context, accountID, groupID string, memberIDs []string, opts ...RequestOption) ([]GroupMember, error) {
	opts = append(opts, func(o *requestOptions) { o.idempotentPost = true })
	var out oneOrMany[GroupMember]
	if _, err := s.c.do(ctx, http.MethodPost, groupMembersPath(accountID, groupID), nil, idRefs(memberIDs), &out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// oneOrMany decodes a result that is an array, or a single object where an array was expected: the
// API's own page documents the group-members POST answer as one object, other sources as an array.
// Either way the write succeeded, so neither shape may turn it into an error.
type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var one T
		if err := json.Unmarshal(t, &one); err != nil {
			return err
		}
		*o = oneOrMany[T]{one}
		return nil
	}
	return json.Unmarshal(b, (*[]T)(o))
}

// Update replaces the whole set of members with one PUT; an empty slice empties the group.
func (s *GroupMembersService) Update(ctx context.Context, accountID, groupID string, memberIDs []string, opts ...RequestOption) ([]GroupMember, error) {
	var out oneOrMany[GroupMember]
	if _, err := s.c.do(ctx, http.MethodPut, groupMembersPath(accountID, groupID), nil, idRefs(memberIDs), &out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes one member from the group.
func (s *GroupMembersService) Delete(ctx context.Context, accountID, groupID, memberID string, opts ...RequestOption) error {
	_, err := s.c.do(ctx, http.MethodDelete, groupMembersPath(accountID, groupID)+"/"+url.PathEscape(memberID), nil, nil, nil, opts...)
	return err
}
