package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// NewUserGroupDataSource is iam_user_group: one group by ID or exact name.
func NewUserGroupDataSource() datasource.DataSource { return &userGroupDataSource{} }

type userGroupDataSource struct{ dataSourceBase }

type userGroupDataModel struct {
	AccountID  types.String `tfsdk:"account_id"`
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	Policies   types.Set    `tfsdk:"policies"`
	CreatedOn  types.String `tfsdk:"created_on"`
	ModifiedOn types.String `tfsdk:"modified_on"`
}

func (d *userGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_group"
}

func (d *userGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One user group, by `id` or by exact `name`. Finding none is an error.",
		Attributes: map[string]schema.Attribute{
			"account_id": accountIDDataSourceAttribute(),
			"id":         schema.StringAttribute{MarkdownDescription: "Group ID to look up.", Optional: true, Computed: true, Validators: []validator.String{hexIDValidator("a user group ID")}},
			"name": schema.StringAttribute{MarkdownDescription: "Exact group name to look up.", Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"policies":    policiesDataSourceAttribute("group"),
			"created_on":  schema.StringAttribute{MarkdownDescription: "Creation time (RFC 3339).", Computed: true},
			"modified_on": schema.StringAttribute{MarkdownDescription: "Last change (RFC 3339).", Computed: true},
		},
	}
}

func (d *userGroupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *userGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userGroupDataModel
	accountID, ok := d.begin(ctx, req, resp, &m)
	if !ok {
		return
	}
	var g *client.UserGroup
	var err error
	what := "with ID " + m.ID.ValueString()
	if !m.ID.IsNull() {
		g, err = d.pd.client.UserGroups.Get(ctx, accountID, m.ID.ValueString())
	} else {
		what = fmt.Sprintf("named %q", m.Name.ValueString())
		g, err = d.pd.client.UserGroups.FindByName(ctx, accountID, m.Name.ValueString())
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot find the user group %s in account %s", what, accountID), err)
		return
	}
	m.AccountID, m.ID, m.Name = types.StringValue(accountID), types.StringValue(g.ID), types.StringValue(g.Name)
	m.Policies = policiesDataSourceValue(g.Policies)
	m.CreatedOn, m.ModifiedOn = types.StringValue(g.CreatedOn.UTC().Format(time.RFC3339)), types.StringValue(g.ModifiedOn.UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
