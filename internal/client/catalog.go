package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

// RolesService is /accounts/{account_id}/roles.
type RolesService struct{ c *Client }

// PermissionGroupsService is /accounts/{account_id}/iam/permission_groups.
type PermissionGroupsService struct{ c *Client }

// ResourceGroupsService is /accounts/{account_id}/iam/resource_groups.
type ResourceGroupsService struct{ c *Client }

const catalogPerPage = 50

func accountPath(accountID, rest string) string {
	return "/accounts/" + url.PathEscape(accountID) + rest
}

func getOne[T any](ctx context.Context, c *Client, path string) (*T, error) {
	var v T
	if _, err := c.do(ctx, http.MethodGet, path, nil, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// List reads every role of the account (every page: lookups that read only the first page miss roles).
func (s *RolesService) List(ctx context.Context, accountID string) iter.Seq2[Role, error] {
	return list[Role](ctx, s.c, accountPath(accountID, "/roles"), nil, catalogPerPage)
}

// Get reads one role.
func (s *RolesService) Get(ctx context.Context, accountID, id string) (*Role, error) {
	return getOne[Role](ctx, s.c, accountPath(accountID, "/roles/"+url.PathEscape(id)))
}

// List reads every permission group of the account.
func (s *PermissionGroupsService) List(ctx context.Context, accountID string) iter.Seq2[PermissionGroup, error] {
	return list[PermissionGroup](ctx, s.c, accountPath(accountID, "/iam/permission_groups"), nil, catalogPerPage)
}

// List reads every resource group of the account.
func (s *ResourceGroupsService) List(ctx context.Context, accountID string) iter.Seq2[ResourceGroup, error] {
	return list[ResourceGroup](ctx, s.c, accountPath(accountID, "/iam/resource_groups"), nil, catalogPerPage)
}
