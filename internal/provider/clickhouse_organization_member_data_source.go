package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// NewClickHouseOrganizationMemberDataSource is iam_clickhouse_organization_member: one person, by
// email (a member or an invitation) or by user ID (a member).
func NewClickHouseOrganizationMemberDataSource() datasource.DataSource {
	return &chMemberDataSource{}
}

type chMemberDataSource struct{ dataSourceBase }

var _ datasource.DataSourceWithConfigValidators = (*chMemberDataSource)(nil)

func (d *chMemberDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clickhouse_organization_member"
}

func (d *chMemberDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := chPersonSchema()
	attrs["organization_id"] = organizationIDDataSourceAttribute()
	attrs["email"] = schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{emailValidator{}},
		MarkdownDescription: "Email to look up, compared case-insensitively. Exactly one of `email` and `user_id`."}
	attrs["user_id"] = schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "User ID of a member to look up. Exactly one of `email` and `user_id`."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One person in a ClickHouse Cloud organization, by email (a member or someone invited) or by user ID (a member). " +
			"Finding nobody is an error.",
		Attributes: attrs,
	}
}

func (d *chMemberDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("email"), path.MatchRoot("user_id"))}
}

func (d *chMemberDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var org, email, userID types.String
	for name, v := range map[string]*types.String{"organization_id": &org, "email": &email, "user_id": &userID} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), v)...)
	}
	if resp.Diagnostics.HasError() || d.pd == nil {
		return
	}
	orgID := d.pd.resolveOrganizationID(org, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	people, err := d.pd.chPeopleOf(ctx, orgID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot Read ClickHouse Organization Members Of "+orgID, err)
		return
	}
	var found *chPerson
	for _, p := range people {
		if (!email.IsNull() && strings.EqualFold(p.Email, email.ValueString())) ||
			(!userID.IsNull() && p.Member != nil && p.Member.UserID == userID.ValueString()) {
			found = &p
			break
		}
	}
	if found == nil {
		what, key := "email", email.ValueString()
		if !userID.IsNull() {
			what, key = "user_id", userID.ValueString()
		}
		resp.Diagnostics.AddAttributeError(path.Root(what), "ClickHouse Organization Member Not Found",
			fmt.Sprintf("Organization %s has no member or invitation with %s %q (%d people in it). Check the value, or list everyone "+
				"with the `iam_clickhouse_organization_members` data source.", orgID, what, key, len(people)))
		return
	}
	values := chPersonValues(*found, time.Now())
	values["organization_id"] = types.StringValue(orgID)
	if !email.IsNull() { // keep the configured spelling; it matched case-insensitively
		values["email"] = email
	}
	for name, v := range values {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}
