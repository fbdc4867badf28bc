package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewAccountMemberDataSource is iam_account_member: one member by ID or email.
func NewAccountMemberDataSource() datasource.DataSource { return &accountMemberDataSource{} }

type accountMemberDataSource struct{ dataSourceBase }

type accountMemberDataModel struct {
	AccountID types.String `tfsdk:"account_id"`
	ID        types.String `tfsdk:"id"`
	Email     types.String `tfsdk:"email"`
	Status    types.String `tfsdk:"status"`
	Roles     idSet        `tfsdk:"roles"`
	Policies  types.Set    `tfsdk:"policies"`
	User      types.Object `tfsdk:"user"`
}

func (d *accountMemberDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member"
}

func (d *accountMemberDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One member of the account, by `id` or by `email` (case-insensitive). Finding none is an error.",
		Attributes: map[string]schema.Attribute{
			"account_id": accountIDDataSourceAttribute(),
			"id": schema.StringAttribute{MarkdownDescription: "Member ID to look up.", Optional: true, Computed: true,
				Validators: []validator.String{hexIDValidator("an account member ID")}},
			"email": schema.StringAttribute{MarkdownDescription: "Email to look up.", Optional: true, Computed: true,
				Validators: []validator.String{emailValidator{}}},
			"status":   schema.StringAttribute{MarkdownDescription: "`pending`, `accepted` or `rejected`.", Computed: true},
			"roles":    schema.SetAttribute{MarkdownDescription: "Role IDs (empty when the member has policies instead).", Computed: true, ElementType: types.StringType, CustomType: idSetOfStrings},
			"policies": policiesDataSourceAttribute("member"),
			"user":     userDataSourceAttribute(),
		},
	}
}

func (d *accountMemberDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email"))}
}

func (d *accountMemberDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m accountMemberDataModel
	accountID, ok := d.begin(ctx, req, resp, &m)
	if !ok {
		return
	}
	var mem *client.Member
	var err error
	what := "with ID " + m.ID.ValueString()
	if !m.ID.IsNull() {
		mem, err = d.pd.client.Members.Get(ctx, accountID, m.ID.ValueString())
	} else {
		what = "with email " + m.Email.ValueString()
		mem, err = d.pd.client.Members.FindByEmail(ctx, accountID, m.Email.ValueString())
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot find the member %s in account %s", what, accountID), err)
		return
	}
	roles := make([]string, 0, len(mem.Roles))
	for _, r := range mem.Roles {
		roles = append(roles, r.ID)
	}
	m.AccountID, m.ID, m.Email = types.StringValue(accountID), types.StringValue(mem.ID), types.StringValue(mem.Email)
	m.Status, m.Roles = types.StringValue(mem.Status), idSetOf(roles)
	m.Policies, m.User = policiesDataSourceValue(mem.Policies), userValue(mem)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
