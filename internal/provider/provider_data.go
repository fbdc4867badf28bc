package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client    *client.Client
	accountID string // provider default, may be empty
	cache     *readCache
	// catalogChecks turns the plan-time catalogue ID checks on (the catalog_checks setting).
	catalogChecks bool
}

// providerDataFrom converts the framework's opaque ProviderData. It returns nil without a
// diagnostic while the provider is not configured yet (validation runs before Configure).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", data))
		return nil
	}
	return pd
}

// resolveAccountID returns the account of a resource or data source: its own account_id when set,
// else the provider's. The error names both places the value can come from.
func (pd *providerData) resolveAccountID(own types.String, diags *diag.Diagnostics) string {
	if !own.IsNull() && !own.IsUnknown() && own.ValueString() != "" {
		return own.ValueString()
	}
	if pd.accountID != "" {
		return pd.accountID
	}
	diags.AddAttributeError(path.Root("account_id"), "Missing account_id",
		"Set `account_id` on this block, or on the provider (or the "+envAccountID+" environment variable).")
	return ""
}

// modifyPlanAccountID fills account_id in a plan from the provider default when the configuration
// leaves it out, so that plans show the real account instead of "(known after apply)", and so that a
// change of the provider's account forces replacement like any other account_id change. Every
// resource calls it from ModifyPlan; attribute plan modifiers run before it, so the replacement is
// requested here.
func modifyPlanAccountID(ctx context.Context, pd *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	var config, state types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("account_id"), &config)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("account_id"), &state)...)
	}
	if resp.Diagnostics.HasError() || !config.IsNull() {
		return
	}
	if pd == nil || pd.accountID == "" {
		if !state.IsNull() { // provider not configured yet or no default: keep what we manage
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("account_id"), state)...)
			return
		}
		if pd != nil {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Missing account_id",
				"Set `account_id` on this resource, or on the provider (or the "+envAccountID+" environment variable).")
		}
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("account_id"), types.StringValue(pd.accountID))...)
	if !state.IsNull() && state.ValueString() != pd.accountID {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("account_id"))
	}
}
