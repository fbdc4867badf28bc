package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
