package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var memberSummaryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "email": types.StringType, "status": types.StringType, "roles": idSetOfStrings,
	"policies": types.SetType{ElemType: types.ObjectType{AttrTypes: policyAttrTypes}}, "user": types.ObjectType{AttrTypes: userAttrTypes},
}}

func memberSummary(m client.Member) attr.Value {
	roles := make([]string, 0, len(m.Roles))
	for _, r := range m.Roles {
		roles = append(roles, r.ID)
	}
	return types.ObjectValueMust(memberSummaryType.AttrTypes, map[string]attr.Value{
		"id": types.StringValue(m.ID), "email": types.StringValue(m.Email), "status": types.StringValue(m.Status), "roles": idSetOf(roles),
		"policies": policiesDataSourceValue(m.Policies), "user": userValue(&m),
	})
}

func memberSummaryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "Member ID."},
		"email":    schema.StringAttribute{Computed: true, MarkdownDescription: "Email."},
		"status":   schema.StringAttribute{Computed: true, MarkdownDescription: "`pending`, `accepted` or `rejected`."},
		"roles":    schema.SetAttribute{Computed: true, ElementType: types.StringType, CustomType: idSetOfStrings, MarkdownDescription: "Role IDs."},
		"policies": policiesDataSourceAttribute("member"),
		"user":     userDataSourceAttribute(),
	}
}

// NewAccountMembersDataSource is iam_account_members: every member of the account.
func NewAccountMembersDataSource() datasource.DataSource { return &accountMembersDataSource{} }

type accountMembersDataSource struct{ dataSourceBase }

type accountMembersModel struct {
	AccountID types.String `tfsdk:"account_id"`
	Status    types.String `tfsdk:"status"`
	Members   types.List   `tfsdk:"members"`
	IDsByMail types.Map    `tfsdk:"ids_by_email"`
}

func (d *accountMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_members"
}

func (d *accountMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every member of the account, read across all pages.",
		Attributes: map[string]schema.Attribute{
			"account_id": accountIDDataSourceAttribute(),
			"status": schema.StringAttribute{
				MarkdownDescription: "Only members with this status: `accepted`, `pending` or `rejected`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("accepted", "pending", "rejected")},
			},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "The members, in the API's order.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: memberSummaryAttributes()},
			},
			"ids_by_email": schema.MapAttribute{
				MarkdownDescription: "Map from lower-cased email to member ID.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *accountMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m accountMembersModel
	accountID, ok := d.begin(ctx, req, resp, &m)
	if !ok {
		return
	}
	members, repeated, err := client.CollectWarnings(d.pd.client.Members.List(ctx, accountID, client.MemberListOptions{Status: m.Status.ValueString()}))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot list the members of account "+accountID, err)
		return
	}
	addRepeatedWarnings(&resp.Diagnostics, repeated)
	items := make([]attr.Value, 0, len(members))
	byMail := map[string]attr.Value{}
	for _, mem := range members {
		items = append(items, memberSummary(mem))
		byMail[strings.ToLower(mem.Email)] = types.StringValue(mem.ID)
	}
	m.AccountID = types.StringValue(accountID)
	m.Members = types.ListValueMust(memberSummaryType, items)
	m.IDsByMail = types.MapValueMust(types.StringType, byMail)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
