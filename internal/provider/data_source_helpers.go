package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// dataSourceBase holds what every data source shares: provider data and the account_id attribute.
type dataSourceBase struct{ pd *providerData }

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func accountIDDataSourceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Account to read. Defaults to the provider's `account_id`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{accountIDValidator()},
	}
}
