package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewClickHouseRolesDataSource is iam_clickhouse_roles: the organization's roles (system and
// custom), by name, with the same catalogue design (and plan-time cache) as iam_roles.
func NewClickHouseRolesDataSource() datasource.DataSource {
	return &clickhouseRolesDataSource{}
}

type clickhouseRolesDataSource struct{ dataSourceBase }

func (d *clickhouseRolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clickhouse_roles"
}

func (d *clickhouseRolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = catalogSchema(catalogClickHouseRoles)
}

func (d *clickhouseRolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	d.readCatalog(ctx, catalogClickHouseRoles, req, resp)
}

var catalogClickHouseRoles = catalogKind{typeSuffix: "clickhouse_roles", noun: "role", owner: "Organization", example: "`ids_by_name[\"Admin\"]`",
	list: func(ctx context.Context, pd *providerData, orgID string) ([]catalogEntry, error) {
		items, err := client.Collect(pd.clickhouse.Roles.List(ctx, orgID))
		entries := make([]catalogEntry, 0, len(items))
		for _, it := range items {
			entries = append(entries, catalogEntry{ID: it.ID, Name: it.Name, Description: it.Type})
		}
		return entries, err
	}}
