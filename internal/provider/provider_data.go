package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// providerData is what Configure hands to every resource and data source. Each API's client is nil
// when its credentials are not configured; resources and data sources of that API then fail at
// plan time (requireCloudflare, requireClickHouse) while the others work.
type providerData struct {
	client    *client.Client // Cloudflare-shaped account API
	accountID string         // provider default, may be empty
	cache     *readCache
	plans     planRegistry // what this run's plans claim, to catch resources that contradict each other
	// catalogChecks turns the plan-time catalogue ID checks on (the catalog_checks setting).
	catalogChecks bool

	clickhouse        *client.ClickHouse
	clickhouseOrgID   string   // provider default, may be empty
	clickhouseMissing []string // why clickhouse is nil: the settings and variables missing
}

// requireCloudflare reports whether the Cloudflare credentials are configured, adding the error
// that names them when not.
func (pd *providerData) requireCloudflare(diags *diag.Diagnostics) bool {
	if pd.client != nil {
		return true
	}
	diags.AddError("Missing Cloudflare API credentials",
		"This configuration uses a Cloudflare resource or data source (iam_account_member, iam_user_group, ...), which needs "+
			"`api_token` in the provider block (or "+envAPIToken+"), or `api_key` with `email` (or "+envAPIKey+" and "+envEmail+").")
	return false
}

// requireClickHouse reports whether the ClickHouse credentials are configured, adding the error
// that names the block and the variables when not.
func (pd *providerData) requireClickHouse(diags *diag.Diagnostics) bool {
	if pd.clickhouse != nil {
		return true
	}
	diags.AddAttributeError(path.Root("clickhouse"), "Missing ClickHouse API credentials",
		"This configuration uses a ClickHouse resource or data source (iam_clickhouse_*), which needs the provider's `clickhouse` "+
			"block: "+strings.Join(pd.clickhouseMissing, " and ")+" not set. Set them in the block or in the environment variables "+
			envCHTokenKey+" and "+envCHTokenSecret+" (the same as the official ClickHouse provider).")
	return false
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
	if !pd.requireCloudflare(diags) {
		return ""
	}
	return resolveScope(own, pd.accountID, "account_id",
		"Set `account_id` on this block, or on the provider (or the "+envAccountID+" environment variable).", diags)
}

// resolveOrganizationID is resolveAccountID for ClickHouse: the block's own organization_id, else
// the provider's clickhouse.organization_id (or CLICKHOUSE_ORG_ID); it checks the ClickHouse
// credentials too.
func (pd *providerData) resolveOrganizationID(own types.String, diags *diag.Diagnostics) string {
	if !pd.requireClickHouse(diags) {
		return ""
	}
	return resolveScope(own, pd.clickhouseOrgID, "organization_id", "Set `organization_id` on this block, or in the provider's "+
		"`clickhouse` block (or the "+envCHOrgID+" environment variable).", diags)
}

// resolveScope returns own when set, else def, else "" with the error missing on attr.
func resolveScope(own types.String, def, attr, missing string, diags *diag.Diagnostics) string {
	if !own.IsNull() && !own.IsUnknown() && own.ValueString() != "" {
		return own.ValueString()
	}
	if def != "" {
		return def
	}
	diags.AddAttributeError(path.Root(attr), "Missing "+attr, missing)
	return ""
}

// modifyPlanAccountID fills account_id in a plan from the provider default when the configuration
// leaves it out, so that plans show the real account instead of "(known after apply)", and so that a
// change of the provider's account forces replacement like any other account_id change. Every
// resource calls it from ModifyPlan; attribute plan modifiers run before it, so the replacement is
// requested here.
func modifyPlanAccountID(ctx context.Context, pd *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if pd != nil && !pd.requireCloudflare(&resp.Diagnostics) {
		return
	}
	def := ""
	if pd != nil {
		def = pd.accountID
	}
	modifyPlanScope(ctx, pd != nil, "account_id", def,
		"Set `account_id` on this resource, or on the provider (or the "+envAccountID+" environment variable).", req, resp)
}

// modifyPlanScope is modifyPlanAccountID for any scope attribute (account_id, organization_id):
// the plan takes the provider's default def when the configuration leaves attr out, and a change
// of that default replaces the resource. configured is false before the provider is configured.
func modifyPlanScope(ctx context.Context, configured bool, attr, def, missing string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	var config, state types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attr), &config)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attr), &state)...)
	}
	if resp.Diagnostics.HasError() || !config.IsNull() {
		return
	}
	if !configured || def == "" {
		if !state.IsNull() { // provider not configured yet or no default: keep what we manage
			setPlanAttribute(ctx, resp, path.Root(attr), state)
			return
		}
		if configured {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Missing "+attr, missing)
		}
		return
	}
	setPlanAttribute(ctx, resp, path.Root(attr), types.StringValue(def))
	if !state.IsNull() && state.ValueString() != def {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root(attr))
	}
}

// mask hides the configured credentials in text built from what an API sent (names, emails) that
// is not an error of the client (those are masked already): a lying server cannot get a token
// printed through a diagnostic either.
func (pd *providerData) mask(s string) string {
	if pd == nil {
		return s
	}
	if pd.client != nil {
		s = pd.client.Mask(s)
	}
	if pd.clickhouse != nil {
		s = pd.clickhouse.Mask(s)
	}
	return s
}

// setPlanAttribute sets a string attribute of the plan unless it already holds v (as it does in
// every plan of an unchanged resource): reading one attribute costs much less than the framework's
// write of one, which converts and checks the whole plan again.
func setPlanAttribute(ctx context.Context, resp *resource.ModifyPlanResponse, p path.Path, v types.String) {
	var current types.String
	if diags := resp.Plan.GetAttribute(ctx, p, &current); !diags.HasError() && current.Equal(v) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, p, v)...)
}
