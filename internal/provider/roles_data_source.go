package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewRolesDataSource is the iam_roles data source: the account's roles, by name.
func NewRolesDataSource() datasource.DataSource { return &catalogDataSource{catalogKind: catalogRoles} }

var catalogRoles = catalogKind{typeSuffix: "roles", noun: "role", example: "`ids_by_name[\"Administrator\"]`",
	list: func(ctx context.Context, pd *providerData, accountID string) ([]catalogEntry, error) {
		items, err := client.Collect(pd.client.Roles.List(ctx, accountID))
		entries := make([]catalogEntry, 0, len(items))
		for _, it := range items {
			entries = append(entries, catalogEntry{ID: it.ID, Name: it.Name, Description: it.Description})
		}
		return entries, err
	}}
