package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// Every broken provider configuration fails at plan time with a diagnostic that names the setting,
// and the API sees no request at all.
func TestAccProviderConfigErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	const read = `
data "iam_roles" "all" {}
`
	cases := []struct {
		name, provider string
		want           string
	}{
		{"missing credentials", `provider "iam" {
  base_url   = "` + env.URL + `"
  account_id = "` + env.AccountID + `"
}`, `Missing Cloudflare API credentials`},
		{"token and key", `provider "iam" {
  base_url  = "` + env.URL + `"
  api_token = "a"
  api_key   = "b"
  email     = "ops@example.com"
}`, `Invalid Attribute Combination`},
		{"key without email", `provider "iam" {
  base_url = "` + env.URL + `"
  api_key  = "b"
}`, `Invalid Attribute Combination`},
		{"http to a remote host", `provider "iam" {
  base_url  = "http://api.example.com/client/v4"
  api_token = "a"
}`, `plain http is accepted only for a loopback host`},
		{"not a URL", `provider "iam" {
  base_url  = "api.example.com"
  api_token = "a"
}`, `must be an absolute URL`},
		{"malformed account_id", `provider "iam" {
  base_url   = "` + env.URL + `"
  api_token  = "a"
  account_id = "my-account"
}`, `must be an account ID`},
		{"retries out of range", `provider "iam" {
  base_url    = "` + env.URL + `"
  api_token   = "a"
  max_retries = 99
}`, `max_retries`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CLOUDFLARE_API_TOKEN", "")
			t.Setenv("CLOUDFLARE_API_KEY", "")
			t.Setenv("CLOUDFLARE_EMAIL", "")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.provider + read,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	if n := len(env.Server.Requests()); n != 0 {
		t.Fatalf("invalid provider configurations sent %d requests to the API, want 0", n)
	}
}

// The legacy API key and email authenticate as well as a token.
func TestAccProviderLegacyKey(t *testing.T) {
	env := newTestEnv(t, emulator.Options{APIKey: "legacy-key-0001", Email: "owner@example.com"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "iam" {
  base_url   = "` + env.URL + `"
  api_key    = "legacy-key-0001"
  email      = "owner@example.com"
  account_id = "` + env.AccountID + `"
}
data "iam_roles" "admin" {
  name = "Administrator"
}`,
			Check: resource.TestCheckResourceAttr("data.iam_roles.admin", "id", env.Server.RoleIDByName("Administrator")),
		}},
	})
}

// A token the API refuses is reported as an authentication problem with what to check.
func TestAccProviderBadToken(t *testing.T) {
	env := newTestEnv(t, emulator.Options{Tokens: []string{"the-right-token"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + `data "iam_roles" "all" {}`,
			ExpectError: regexp.MustCompile(`(?s)refused the credentials.*api_token`),
		}},
	})
}

// A ClickHouse key the API refuses is reported with the ClickHouse settings to check, not the
// Cloudflare token's (a ClickHouse-only configuration has none).
func TestAccProviderBadClickHouseKey(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: strings.Replace(env.ClickHouseProviderConfig(), emulator.DefaultClickHouseKeySecret, "not-the-secret", 1) +
				`data "iam_clickhouse_roles" "all" {}`,
			ExpectError: regexp.MustCompile(`(?s)refused the credentials.*token_secret.*CLICKHOUSE_TOKEN_SECRET`),
		}},
	})
}
