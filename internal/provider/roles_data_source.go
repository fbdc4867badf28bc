package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewRolesDataSource is the iam_roles data source: the account's roles, by name.
func NewRolesDataSource() datasource.DataSource {
	return &catalogDataSource{typeSuffix: "roles", noun: "role",
		list: func(ctx context.Context, pd *providerData, accountID string) ([]catalogEntry, error) {
			roles, err := client.Collect(pd.client.Roles.List(ctx, accountID))
			entries := make([]catalogEntry, 0, len(roles))
			for _, r := range roles {
				entries = append(entries, catalogEntry{ID: r.ID, Name: r.Name, Description: r.Description})
			}
			return entries, err
		}}
}
