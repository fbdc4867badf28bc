package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewResourceGroupsDataSource is the iam_resource_groups data source: the account's IAM resource
// groups (what a policy's permissions apply to), by name.
func NewResourceGroupsDataSource() datasource.DataSource {
	return &resourceGroupsDataSource{}
}

type resourceGroupsDataSource struct{ dataSourceBase }

func (d *resourceGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_groups"
}

func (d *resourceGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = catalogSchema(catalogResourceGroups)
}

func (d *resourceGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	d.readCatalog(ctx, catalogResourceGroups, req, resp)
}

var catalogResourceGroups = catalogKind{typeSuffix: "resource_groups", noun: "resource group", example: "`ids_by_name[\"com.cloudflare.api.account.<account_id>\"]` (the group that covers the whole account)",
	list: func(ctx context.Context, pd *providerData, accountID string) ([]catalogEntry, error) {
		items, err := client.Collect(pd.client.ResourceGroups.List(ctx, accountID))
		entries := make([]catalogEntry, 0, len(items))
		for _, it := range items {
			entries = append(entries, catalogEntry{ID: it.ID, Name: it.Name})
		}
		return entries, err
	}}
