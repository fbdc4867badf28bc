package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// NewClickHouseOrganizationMembersDataSource is iam_clickhouse_organization_members: everyone in
// the organization, members and invitations, one entry per email.
func NewClickHouseOrganizationMembersDataSource() datasource.DataSource {
	return &chMembersDataSource{}
}

type chMembersDataSource struct{ dataSourceBase }

type chMembersModel struct {
	OrganizationID types.String `tfsdk:"organization_id"`
	Members        types.List   `tfsdk:"members"`
}

var chPersonObjectType = types.ObjectType{AttrTypes: chPersonAttrTypes}

// chPersonSchema is the computed attributes of a person in a data source.
func chPersonSchema() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for name := range chPersonAttrTypes {
		if name == "role_ids" {
			out[name] = schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: chPersonDocs[name]}
			continue
		}
		out[name] = schema.StringAttribute{Computed: true, MarkdownDescription: chPersonDocs[name]}
	}
	return out
}

func organizationIDDataSourceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Organization to read. Defaults to the provider's `clickhouse.organization_id`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{organizationIDValidator()},
	}
}

func (d *chMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clickhouse_organization_members"
}

func (d *chMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Everyone in a ClickHouse Cloud organization: members (`active`) and people invited (`pending`, " +
			"`expired`), one entry per email, sorted by email.",
		Attributes: map[string]schema.Attribute{
			"organization_id": organizationIDDataSourceAttribute(),
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "Members and invitations.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: chPersonSchema()},
			},
		},
	}
}

func (d *chMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m chMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.pd == nil {
		return
	}
	orgID := d.pd.resolveOrganizationID(m.OrganizationID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	people, err := d.pd.chPeopleOf(ctx, orgID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot List ClickHouse Organization Members Of "+orgID, err)
		return
	}
	now := time.Now()
	items := make([]attr.Value, 0, len(people))
	for _, p := range people {
		items = append(items, types.ObjectValueMust(chPersonAttrTypes, chPersonValues(p, now)))
	}
	m.OrganizationID = types.StringValue(orgID)
	m.Members = types.ListValueMust(chPersonObjectType, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
