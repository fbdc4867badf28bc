package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewRolesDataSource is the iam_roles data source: the account's roles, by name.
func NewRolesDataSource() datasource.DataSource { return &rolesDataSource{} }

type rolesDataSource struct{ dataSourceBase }

func (d *rolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_roles"
}

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = catalogSchema(catalogRoles)
}

func (d *rolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	d.readCatalog(ctx, catalogRoles, req, resp)
}

var catalogRoles = catalogKind{typeSuffix: "roles", noun: "role", example: "`ids_by_name[\"Administrator\"]`",
	list: func(ctx context.Context, pd *providerData, accountID string) ([]catalogEntry, error) {
		items, err := client.Collect(pd.client.Roles.List(ctx, accountID))
		entries := make([]catalogEntry, 0, len(items))
		for _, it := range items {
			entries = append(entries, catalogEntry{ID: it.ID, Name: it.Name, Description: it.Description})
		}
		return entries, err
	}}
