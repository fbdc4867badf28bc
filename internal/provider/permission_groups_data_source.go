package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewPermissionGroupsDataSource is the iam_permission_groups data source: the account's IAM
// permission groups (the building blocks of policies), by name.
func NewPermissionGroupsDataSource() datasource.DataSource {
	return &permissionGroupsDataSource{}
}

type permissionGroupsDataSource struct{ dataSourceBase }

func (d *permissionGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permission_groups"
}

func (d *permissionGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = catalogSchema(catalogPermissionGroups)
}

func (d *permissionGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	d.readCatalog(ctx, catalogPermissionGroups, req, resp)
}

var catalogPermissionGroups = catalogKind{typeSuffix: "permission_groups", noun: "permission group", example: "`ids_by_name[\"DNS Read\"]`",
	list: func(ctx context.Context, pd *providerData, accountID string) ([]catalogEntry, error) {
		items, err := client.Collect(pd.client.PermissionGroups.List(ctx, accountID))
		entries := make([]catalogEntry, 0, len(items))
		for _, it := range items {
			entries = append(entries, catalogEntry{ID: it.ID, Name: it.Name})
		}
		return entries, err
	}}
