package provider

import (
	"context"
	"errors"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// listBase holds what every list resource (`list` blocks of `terraform query`, Terraform 1.14+)
// shares: the provider data and the account_id argument.
type listBase struct{ pd *providerData }

func (l *listBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// begin reads the list block's configuration into model and resolves the account (its own
// account_id, else the provider's). ok is false when there is nothing to list; then the stream
// carries the diagnostics.
func (l *listBase) begin(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, model any) (accountID string, ok bool) {
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, model)...)
	if !diags.HasError() && l.pd == nil {
		diags.AddError("Provider not configured", "The provider was not configured before the list request. This is a bug in the provider.")
	}
	if !diags.HasError() {
		var own types.String
		diags.Append(req.Config.GetAttribute(ctx, path.Root("account_id"), &own)...)
		accountID = l.pd.resolveAccountID(own, &diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return "", false
	}
	return accountID, true
}

func accountIDListAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Account to list. Defaults to the provider's `account_id`.",
		Optional:            true,
		Validators:          []validator.String{accountIDValidator()},
	}
}

// streamList turns a listing into list results: one per item that keep accepts, built by fill, at
// most limit of them (0: no limit). The client checks the whole listing before it yields the first
// object; a failed or inconsistent listing ends the stream with an error result naming what
// failed, never a shorter list. Objects the API listed twice come once, then a warning.
func streamList[T any](seq iter.Seq2[T, error], limit int64, keep func(T) bool, fill func(T, *list.ListResult), failure string) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var n int64
		for it, err := range seq {
			var repeated *client.RepeatedWarning
			if errors.As(err, &repeated) {
				var diags diag.Diagnostics
				addRepeatedWarnings(&diags, []*client.RepeatedWarning{repeated})
				push(list.ListResult{Diagnostics: diags})
				return
			}
			if err != nil {
				var diags diag.Diagnostics
				addAPIError(&diags, failure, err)
				push(list.ListResult{Diagnostics: diags})
				return
			}
			if keep != nil && !keep(it) {
				continue
			}
			var result list.ListResult
			fill(it, &result)
			if !push(result) || result.Diagnostics.HasError() {
				return
			}
			if n++; limit > 0 && n >= limit {
				return
			}
		}
	}
}
