package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// dataSourceBase holds what every data source shares: provider data and the account_id attribute.
type dataSourceBase struct{ pd *providerData }

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// begin is the start of every data source's Read: it reads the configuration into model and
// resolves the account (own account_id, else the provider's). ok is false when Read must stop.
func (d *dataSourceBase) begin(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, model any) (accountID string, ok bool) {
	resp.Diagnostics.Append(req.Config.Get(ctx, model)...)
	if resp.Diagnostics.HasError() || d.pd == nil {
		return "", false
	}
	var own types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("account_id"), &own)...)
	accountID = d.pd.resolveAccountID(own, &resp.Diagnostics)
	return accountID, !resp.Diagnostics.HasError()
}

func accountIDDataSourceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Account to read. Defaults to the provider's `account_id`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{accountIDValidator()},
	}
}

// policiesDataSourceAttribute is a read-only `policies`, in the shape of the resources' own
// (null when there are none), so that a data source's policies can be copied into a resource.
func policiesDataSourceAttribute(whose string) schema.SetNestedAttribute {
	return schema.SetNestedAttribute{
		Computed: true,
		MarkdownDescription: "The " + whose + "'s policies, in the shape of the resource's `policies` (null when it has none), " +
			"so that adopting it can carry its policies over unchanged.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"access":            schema.StringAttribute{Computed: true, MarkdownDescription: "`allow` or `deny`."},
			"permission_groups": schema.SetAttribute{Computed: true, ElementType: types.StringType, CustomType: idSetOfStrings, MarkdownDescription: "Permission group IDs."},
			"resource_groups":   schema.SetAttribute{Computed: true, ElementType: types.StringType, CustomType: idSetOfStrings, MarkdownDescription: "Resource group IDs."},
		}},
	}
}

// policiesDataSourceValue is the value of policiesDataSourceAttribute.
func policiesDataSourceValue(policies []client.Policy) types.Set {
	return policiesFromAPI(types.SetNull(types.ObjectType{AttrTypes: policyAttrTypes}), policies)
}

// userDataSourceAttribute is a read-only `user`, in the shape of iam_account_member's.
func userDataSourceAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The user behind the membership, as the API reports it.",
		Computed:            true,
		Attributes: map[string]schema.Attribute{
			"id":                                schema.StringAttribute{Computed: true, MarkdownDescription: "User ID."},
			"email":                             schema.StringAttribute{Computed: true, MarkdownDescription: "User's email."},
			"first_name":                        schema.StringAttribute{Computed: true, MarkdownDescription: "First name."},
			"last_name":                         schema.StringAttribute{Computed: true, MarkdownDescription: "Last name."},
			"two_factor_authentication_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has 2FA on."},
		},
	}
}
