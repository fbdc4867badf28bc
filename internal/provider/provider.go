// Package provider implements the iam Terraform provider: account members, IAM user groups and
// group memberships on the Cloudflare v4 account API, and ClickHouse Cloud organization members.
package provider

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// Environment variables read when the matching provider attribute is not set.
const (
	envAPIToken  = "CLOUDFLARE_API_TOKEN" // #nosec G101 -- a variable name, not a credential
	envAPIKey    = "CLOUDFLARE_API_KEY"   // #nosec G101 -- a variable name, not a credential
	envEmail     = "CLOUDFLARE_EMAIL"
	envBaseURL   = "CLOUDFLARE_BASE_URL"
	envAccountID = "CLOUDFLARE_ACCOUNT_ID"

	// The official ClickHouse provider's variables.
	envCHOrgID       = "CLICKHOUSE_ORG_ID"
	envCHTokenKey    = "CLICKHOUSE_TOKEN_KEY"    // #nosec G101 -- a variable name, not a credential
	envCHTokenSecret = "CLICKHOUSE_TOKEN_SECRET" // #nosec G101 -- a variable name, not a credential
	envCHAPIURL      = "CLICKHOUSE_API_URL"
)

var (
	_ provider.Provider                  = (*iamProvider)(nil)
	_ provider.ProviderWithListResources = (*iamProvider)(nil)
)

type iamProvider struct {
	version string
}

type providerModel struct {
	APIToken          types.String     `tfsdk:"api_token"`
	APIKey            types.String     `tfsdk:"api_key"`
	Email             types.String     `tfsdk:"email"`
	BaseURL           types.String     `tfsdk:"base_url"`
	AccountID         types.String     `tfsdk:"account_id"`
	MaxRetries        types.Int64      `tfsdk:"max_retries"`
	RequestsPerSecond types.Float64    `tfsdk:"requests_per_second"`
	RequestTimeout    types.Int64      `tfsdk:"request_timeout_seconds"`
	MaxRetryWait      types.Int64      `tfsdk:"max_retry_wait_seconds"`
	CatalogChecks     types.Bool       `tfsdk:"catalog_checks"`
	ClickHouse        *clickhouseModel `tfsdk:"clickhouse"`
}

// clickhouseModel is the provider's clickhouse block.
type clickhouseModel struct {
	OrganizationID    types.String  `tfsdk:"organization_id"`
	TokenKey          types.String  `tfsdk:"token_key"`
	TokenSecret       types.String  `tfsdk:"token_secret"`
	APIURL            types.String  `tfsdk:"api_url"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &iamProvider{version: version} }
}

func (p *iamProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "iam"
	resp.Version = p.version
}

func (p *iamProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages account members, IAM user groups and group memberships through the " +
			"Cloudflare v4 account API (credentials: an API token, or the legacy API key with its email), and ClickHouse Cloud " +
			"organization members (the `clickhouse` block). Each API's credentials are needed only when a resource or " +
			"data source of that API is used.",
		Blocks: map[string]schema.Block{
			"clickhouse": schema.SingleNestedBlock{
				MarkdownDescription: "ClickHouse Cloud API settings, used by the `iam_clickhouse_*` resources and data sources. " +
					"Every attribute falls back to the environment variable of the official ClickHouse provider.",
				Attributes: map[string]schema.Attribute{
					"organization_id": schema.StringAttribute{
						MarkdownDescription: "Default organization (a UUID) of every ClickHouse resource and data source that does not set its own. " +
							"Falls back to `" + envCHOrgID + "`.",
						Optional:   true,
						Validators: []validator.String{organizationIDValidator()},
					},
					"token_key": schema.StringAttribute{
						MarkdownDescription: "API key ID, sent as the basic-auth user. Falls back to `" + envCHTokenKey + "`.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"token_secret": schema.StringAttribute{
						MarkdownDescription: "API key secret, sent as the basic-auth password. Falls back to `" + envCHTokenSecret + "`.",
						Optional:            true,
						Sensitive:           true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"api_url": schema.StringAttribute{
						MarkdownDescription: "Base URL of the API, with its version. Falls back to `" + envCHAPIURL + "`, then `" +
							client.DefaultClickHouseURL + "`. Must be `https://`; plain `http://` is accepted only for a loopback host (a local emulator).",
						Optional:   true,
						Validators: []validator.String{baseURLValidator{attr: "api_url"}},
					},
					"requests_per_second": schema.Float64Attribute{
						MarkdownDescription: "Client-side request rate of the ClickHouse API key. Default 0.9, under the API's limit of " +
							"10 requests per 10 seconds per key; raise it only when your key's limit is higher. `max_retries` and " +
							"`request_timeout_seconds` of the provider apply to it too.",
						Optional:   true,
						Validators: []validator.Float64{float64validator.Between(0.1, 100)},
					},
				},
			},
		},
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				MarkdownDescription: "API token sent as `Authorization: Bearer`. Falls back to `" + envAPIToken + "`. " +
					"Conflicts with `api_key` and `email`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("api_key"), path.MatchRoot("email"))},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Legacy global API key, sent as `X-Auth-Key` together with `email`. Falls back to `" + envAPIKey + "`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.AlsoRequires(path.MatchRoot("email"))},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email of the user that owns `api_key`, sent as `X-Auth-Email`. Falls back to `" + envEmail + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(3), stringvalidator.AlsoRequires(path.MatchRoot("api_key"))},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the API. Falls back to `" + envBaseURL + "`, then `" + client.DefaultBaseURL + "`. " +
					"Must be `https://`; plain `http://` is accepted only for a loopback host (a local emulator).",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{attr: "base_url"}},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Default account for every resource and data source that does not set its own `account_id`. " +
					"Falls back to `" + envAccountID + "`.",
				Optional:   true,
				Validators: []validator.String{accountIDValidator()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after HTTP 429, a 5xx answer or a connection error. Default 4; 0 disables retries.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: "How long one attempt of a request may take before it is abandoned (and retried when that is safe). Default 30.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 600)},
			},
			"max_retry_wait_seconds": schema.Int64Attribute{
				MarkdownDescription: "The longest the provider waits before one retry. Default 120. When the API's `Retry-After` asks " +
					"for longer (a proxy may say a day), the request is not retried and the error says how long the API asked to wait.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 3600)},
			},
			"catalog_checks": schema.BoolAttribute{
				MarkdownDescription: "Check at plan time that the role, permission group and resource group IDs new in the plan exist, " +
					"by reading the account's catalogues once per run. Default true. The checks are a help, not a requirement: when the " +
					"token may not read a catalogue (a token allowed to edit members but not to read roles gets 403) the plan warns once " +
					"and goes on, and the apply lets the API check the IDs. Set false to skip the reads entirely.",
				Optional: true,
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: "Client-side request rate shared by every resource. Default 4, which is the API's " +
					"limit of 1200 requests per 5 minutes. The provider slows down further when the API's rate-limit headers ask it to.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(0.1, 100)},
			},
		},
	}
}

func (p *iamProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]types.String{"api_token": cfg.APIToken, "api_key": cfg.APIKey, "email": cfg.Email, "base_url": cfg.BaseURL, "account_id": cfg.AccountID} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Provider attribute not known until apply",
				"The provider needs `"+attr+"` to plan. Set it from a value known at plan time, such as a variable or an environment variable.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cc := client.Config{
		// Credentials from files and secret stores often end with a newline: trimmed (the client
		// does it too); whitespace inside is an error of client.New.
		APIToken:  strings.TrimSpace(stringOrEnv(cfg.APIToken, envAPIToken)),
		APIKey:    strings.TrimSpace(stringOrEnv(cfg.APIKey, envAPIKey)),
		Email:     strings.TrimSpace(stringOrEnv(cfg.Email, envEmail)),
		BaseURL:   stringOrEnv(cfg.BaseURL, envBaseURL),
		UserAgent: "terraform-provider-iam/" + p.version + " (+" + req.TerraformVersion + ")",
	}
	// An explicit token in the configuration wins over legacy credentials found only in the environment.
	if !cfg.APIToken.IsNull() {
		cc.APIKey, cc.Email = "", ""
	} else if !cfg.APIKey.IsNull() {
		cc.APIToken = ""
	}
	if !cfg.MaxRetries.IsNull() {
		cc.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if cc.MaxRetries == 0 {
			cc.MaxRetries = -1 // the client reads 0 as "default"
		}
	}
	if !cfg.RequestsPerSecond.IsNull() {
		cc.RequestsPerSecond = cfg.RequestsPerSecond.ValueFloat64()
	}
	if !cfg.RequestTimeout.IsNull() {
		cc.Timeout = time.Duration(cfg.RequestTimeout.ValueInt64()) * time.Second
	}
	if !cfg.MaxRetryWait.IsNull() {
		cc.MaxRetryWait = time.Duration(cfg.MaxRetryWait.ValueInt64()) * time.Second
	}

	// No Cloudflare credentials at all is an error only where a Cloudflare resource or data source
	// is used (requireCloudflare); wrong ones are an error here.
	noCloudflare := cc.APIToken == "" && cc.APIKey == "" && cc.Email == ""
	switch {
	case noCloudflare:
	case cc.APIToken != "" && (cc.APIKey != "" || cc.Email != ""):
		resp.Diagnostics.AddError("Conflicting API credentials",
			"Both an API token and a legacy API key/email were found (in the provider block or the environment). "+
				"Use only one scheme: unset "+envAPIToken+", or "+envAPIKey+" and "+envEmail+".")
	case cc.APIToken == "" && (cc.APIKey == "") != (cc.Email == ""):
		resp.Diagnostics.AddError("Incomplete legacy API credentials",
			"The legacy scheme needs both `api_key` and `email` (or "+envAPIKey+" and "+envEmail+").")
	}
	if cc.BaseURL != "" {
		if msg := checkBaseURL(cc.BaseURL); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid base_url", msg)
		}
	}
	accountID := stringOrEnv(cfg.AccountID, envAccountID)
	if accountID != "" && !accountIDPattern.MatchString(accountID) {
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Invalid account_id",
			"An account ID is 32 hexadecimal characters; got "+strconv.Quote(accountID)+" (from the provider block or "+envAccountID+").")
	}
	ch, chCfg := p.clickhouseConfig(cfg, cc, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{accountID: accountID, cache: newReadCache(), clickhouseOrgID: chCfg.orgID,
		catalogChecks: cfg.CatalogChecks.IsNull() || cfg.CatalogChecks.ValueBool()}
	if !noCloudflare {
		c, err := client.New(cc)
		if err != nil {
			resp.Diagnostics.AddError("Cannot configure the API client", err.Error())
			return
		}
		data.client = c
	}
	if ch != nil {
		c, err := client.NewClickHouse(*ch)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("clickhouse"), "Cannot configure the ClickHouse API client", err.Error())
			return
		}
		data.clickhouse = c
	} else {
		data.clickhouseMissing = chCfg.missing
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	tflog.Debug(ctx, "configured iam provider", map[string]any{"base_url": cc.BaseURL, "account_id": accountID})
}

type clickhouseSettings struct {
	orgID   string
	missing []string // the settings (and their variables) missing for a client
}

// clickhouseConfig reads the clickhouse block and its environment variables. It returns the client
// configuration, or nil and what is missing (an error only where a ClickHouse resource is used).
func (p *iamProvider) clickhouseConfig(cfg providerModel, cc client.Config, diags *diag.Diagnostics) (*client.ClickHouseConfig, clickhouseSettings) {
	block := cfg.ClickHouse
	if block == nil {
		block = &clickhouseModel{OrganizationID: types.StringNull(), TokenKey: types.StringNull(), TokenSecret: types.StringNull(),
			APIURL: types.StringNull(), RequestsPerSecond: types.Float64Null()}
	}
	for attr, v := range map[string]types.String{"organization_id": block.OrganizationID, "token_key": block.TokenKey,
		"token_secret": block.TokenSecret, "api_url": block.APIURL} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root("clickhouse").AtName(attr), "Provider attribute not known until apply",
				"The provider needs `clickhouse."+attr+"` to plan. Set it from a value known at plan time, such as a variable or an environment variable.")
		}
	}
	settings := clickhouseSettings{orgID: stringOrEnv(block.OrganizationID, envCHOrgID)}
	if settings.orgID != "" && !uuidPattern.MatchString(settings.orgID) {
		diags.AddAttributeError(path.Root("clickhouse").AtName("organization_id"), "Invalid organization_id",
			"A ClickHouse organization ID is a lowercase UUID; got "+strconv.Quote(settings.orgID)+" (from the clickhouse block or "+envCHOrgID+").")
	}
	chc := client.ClickHouseConfig{Config: client.Config{
		BaseURL: stringOrEnv(block.APIURL, envCHAPIURL), MaxRetries: cc.MaxRetries, Timeout: cc.Timeout, UserAgent: cc.UserAgent},
		KeyID: stringOrEnv(block.TokenKey, envCHTokenKey), KeySecret: stringOrEnv(block.TokenSecret, envCHTokenSecret)}
	if !block.RequestsPerSecond.IsNull() {
		chc.RequestsPerSecond = block.RequestsPerSecond.ValueFloat64()
	}
	if chc.BaseURL != "" {
		if msg := checkBaseURL(chc.BaseURL); msg != "" {
			diags.AddAttributeError(path.Root("clickhouse").AtName("api_url"), "Invalid api_url", "`api_url` (or "+envCHAPIURL+") "+msg+".")
		}
	}
	if chc.KeyID == "" {
		settings.missing = append(settings.missing, "`token_key` ("+envCHTokenKey+")")
	}
	if chc.KeySecret == "" {
		settings.missing = append(settings.missing, "`token_secret` ("+envCHTokenSecret+")")
	}
	if len(settings.missing) > 0 {
		return nil, settings
	}
	return &chc, settings
}

func (p *iamProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewAccountMemberResource, NewUserGroupResource, NewUserGroupMembershipResource,
		NewClickHouseOrganizationMemberResource, NewAccountMembersResource}
}

// ListResources are the `list` blocks of `terraform query` (Terraform 1.14+): one per resource.
func (p *iamProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewAccountMemberListResource, NewUserGroupListResource, NewUserGroupMembershipListResource}
}

func (p *iamProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAccountMemberDataSource, NewAccountMembersDataSource, NewUserGroupDataSource, NewUserGroupsDataSource,
		NewUserGroupMembershipDataSource, NewRolesDataSource, NewPermissionGroupsDataSource, NewResourceGroupsDataSource,
		NewClickHouseOrganizationMembersDataSource, NewClickHouseOrganizationMemberDataSource, NewClickHouseRolesDataSource,
	}
}

// stringOrEnv returns the configured value, else the environment variable.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}
