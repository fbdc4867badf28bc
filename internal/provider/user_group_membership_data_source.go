package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var groupMemberType = types.ObjectType{AttrTypes: map[string]attr.Type{"id": types.StringType, "email": types.StringType, "status": types.StringType}}

// NewUserGroupMembershipDataSource is iam_user_group_membership: the members of one group.
func NewUserGroupMembershipDataSource() datasource.DataSource { return &membershipDataSource{} }

type membershipDataSource struct{ dataSourceBase }

type membershipDataModel struct {
	AccountID   types.String `tfsdk:"account_id"`
	UserGroupID types.String `tfsdk:"user_group_id"`
	Members     types.List   `tfsdk:"members"`
	MemberIDs   idSet        `tfsdk:"member_ids"`
}

func (d *membershipDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_group_membership"
}

func (d *membershipDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of one user group, read across all pages.",
		Attributes: map[string]schema.Attribute{
			"account_id":    accountIDDataSourceAttribute(),
			"user_group_id": schema.StringAttribute{MarkdownDescription: "ID of the group.", Required: true, Validators: []validator.String{hexIDValidator("a user group ID")}},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "The members, in the API's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":     schema.StringAttribute{Computed: true, MarkdownDescription: "Account member ID."},
					"email":  schema.StringAttribute{Computed: true, MarkdownDescription: "Email."},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: "`pending` or `accepted`."},
				}},
			},
			"member_ids": schema.SetAttribute{MarkdownDescription: "The member IDs, as a set.", Computed: true, ElementType: types.StringType, CustomType: idSetOfStrings},
		},
	}
}

func (d *membershipDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m membershipDataModel
	accountID, ok := d.begin(ctx, req, resp, &m)
	if !ok {
		return
	}
	members, repeated, err := client.CollectWarnings(d.pd.client.GroupMembers.List(ctx, accountID, m.UserGroupID.ValueString()))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the members of user group "+m.UserGroupID.ValueString(), err)
		return
	}
	addRepeatedWarnings(&resp.Diagnostics, repeated)
	items := make([]attr.Value, 0, len(members))
	ids := make([]string, 0, len(members))
	for _, gm := range members {
		items = append(items, types.ObjectValueMust(groupMemberType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(gm.ID), "email": types.StringValue(gm.Email), "status": types.StringValue(gm.Status)}))
		ids = append(ids, gm.ID)
	}
	m.AccountID = types.StringValue(accountID)
	m.Members = types.ListValueMust(groupMemberType, items)
	m.MemberIDs = idSetOf(ids)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
