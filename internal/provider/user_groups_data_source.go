package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var groupSummaryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "policies": types.SetType{ElemType: types.ObjectType{AttrTypes: policyAttrTypes}},
}}

// NewUserGroupsDataSource is iam_user_groups: every group of the account, optionally filtered.
func NewUserGroupsDataSource() datasource.DataSource { return &userGroupsDataSource{} }

type userGroupsDataSource struct{ dataSourceBase }

type userGroupsModel struct {
	AccountID    types.String `tfsdk:"account_id"`
	NameContains types.String `tfsdk:"name_contains"`
	Groups       types.List   `tfsdk:"groups"`
	IDsByName    types.Map    `tfsdk:"ids_by_name"`
}

func (d *userGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_groups"
}

func (d *userGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every user group of the account, read across all pages: the starting point for importing " +
			"all existing groups with `import` blocks and `for_each`.",
		Attributes: map[string]schema.Attribute{
			"account_id":    accountIDDataSourceAttribute(),
			"name_contains": schema.StringAttribute{MarkdownDescription: "Only groups whose name contains this text (case-insensitive).", Optional: true},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The groups, in the API's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "Group ID."},
					"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "Group name."},
					"policies": policiesDataSourceAttribute("group"),
				}},
			},
			"ids_by_name": schema.MapAttribute{MarkdownDescription: "Map from group name to ID.", Computed: true, ElementType: types.StringType},
		},
	}
}

func (d *userGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userGroupsModel
	accountID, ok := d.begin(ctx, req, resp, &m)
	if !ok {
		return
	}
	groups, repeated, err := client.CollectWarnings(d.pd.client.UserGroups.List(ctx, accountID, client.UserGroupListOptions{FuzzyName: m.NameContains.ValueString()}))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot list the user groups of account "+accountID, err)
		return
	}
	addRepeatedWarnings(&resp.Diagnostics, repeated)
	items := make([]attr.Value, 0, len(groups))
	byName := map[string]attr.Value{}
	for _, g := range groups {
		items = append(items, types.ObjectValueMust(groupSummaryType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(g.ID), "name": types.StringValue(g.Name),
			"policies": policiesDataSourceValue(g.Policies),
		}))
		byName[g.Name] = types.StringValue(g.ID)
	}
	m.AccountID = types.StringValue(accountID)
	m.Groups = types.ListValueMust(groupSummaryType, items)
	m.IDsByName = types.MapValueMust(types.StringType, byName)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
