// Package provider implements the iam Terraform provider: account members, IAM user groups and
// group memberships on the Cloudflare v4 account API.
package provider

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
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
)

var (
	_ provider.Provider                  = (*iamProvider)(nil)
	_ provider.ProviderWithListResources = (*iamProvider)(nil)
)

type iamProvider struct {
	version string
}

type providerModel struct {
	APIToken          types.String  `tfsdk:"api_token"`
	APIKey            types.String  `tfsdk:"api_key"`
	Email             types.String  `tfsdk:"email"`
	BaseURL           types.String  `tfsdk:"base_url"`
	AccountID         types.String  `tfsdk:"account_id"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	RequestTimeout    types.Int64   `tfsdk:"request_timeout_seconds"`
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
			"Cloudflare v4 account API. Credentials are an API token, or the legacy API key with its email.",
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
				Validators: []validator.String{baseURLValidator{}},
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
		APIToken:  stringOrEnv(cfg.APIToken, envAPIToken),
		APIKey:    stringOrEnv(cfg.APIKey, envAPIKey),
		Email:     stringOrEnv(cfg.Email, envEmail),
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

	switch {
	case cc.APIToken == "" && cc.APIKey == "" && cc.Email == "":
		resp.Diagnostics.AddError("Missing API credentials",
			"Set `api_token` in the provider block (or "+envAPIToken+"), or `api_key` with `email` (or "+envAPIKey+" and "+envEmail+").")
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
	if resp.Diagnostics.HasError() {
		return
	}

	c, err := client.New(cc)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the API client", err.Error())
		return
	}
	data := &providerData{client: c, accountID: accountID, cache: newReadCache()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	tflog.Debug(ctx, "configured iam provider", map[string]any{"base_url": cc.BaseURL, "account_id": accountID})
}

func (p *iamProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewAccountMemberResource, NewUserGroupResource, NewUserGroupMembershipResource}
}

// ListResources are the `list` blocks of `terraform query` (Terraform 1.14+): one per resource.
func (p *iamProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewAccountMemberListResource, NewUserGroupListResource, NewUserGroupMembershipListResource}
}

func (p *iamProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAccountMemberDataSource, NewAccountMembersDataSource, NewUserGroupDataSource, NewUserGroupsDataSource,
		NewUserGroupMembershipDataSource, NewRolesDataSource, NewPermissionGroupsDataSource, NewResourceGroupsDataSource,
	}
}

// stringOrEnv returns the configured value, else the environment variable.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}
