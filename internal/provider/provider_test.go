package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

const testToken = "test-token-5f1c0c5e9d1b4e2a" // distinctive, so log tests can search for it

// testAccProtoV6ProviderFactories runs the provider in-process; terraform-plugin-testing drives the
// real terraform CLI against it.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"iam": NewServer("test"),
}

// TestMain refuses to run acceptance tests without a terraform CLI on PATH instead of letting
// terraform-plugin-testing download one, and instead of skipping them silently.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		tf, err := exec.LookPath("terraform")
		if err != nil {
			fmt.Fprintln(os.Stderr, "acceptance tests need the terraform CLI on PATH (TF_ACC is set): install Terraform 1.7+")
			os.Exit(1)
		}
		_ = os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	}
	// OpenTofu reads `provider "iam"` as registry.opentofu.org/hashicorp/iam: the in-process provider
	// is announced under that address instead of terraform-plugin-testing's registry.terraform.io.
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		if out, err := exec.Command(tf, "version").Output(); err == nil && strings.HasPrefix(string(out), "OpenTofu") { // #nosec G204 -- the CLI under test
			_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
			_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "hashicorp")
		}
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

// testEnv is one emulator per test: tests run in parallel and never share API state.
type testEnv struct {
	Server    *emulator.Server
	URL       string
	AccountID string
}

func newTestEnv(t testing.TB, opts emulator.Options) *testEnv {
	t.Helper()
	if opts.Tokens == nil && opts.APIKey == "" {
		opts.Tokens = []string{testToken}
	}
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	acct := emulator.DefaultAccountID
	if len(opts.Accounts) > 0 {
		acct = opts.Accounts[0]
	}
	return &testEnv{Server: srv, URL: ts.URL, AccountID: acct}
}

// ProviderConfig is the provider block every acceptance test configuration starts with.
func (e *testEnv) ProviderConfig() string {
	return fmt.Sprintf(`
provider "iam" {
  base_url            = %q
  api_token           = %q
  account_id          = %q
  requests_per_second = 100 # the emulator has no rate limit here; the limiter has its own tests
}
`, e.URL, testToken, e.AccountID)
}

// Client talks to the emulator directly, for changes made outside Terraform.
func (e *testEnv) Client(t testing.TB) *client.Client {
	t.Helper()
	// A high rate keeps tests fast; the limiter itself is tested in the client package.
	c, err := client.New(client.Config{BaseURL: e.URL, APIToken: testToken, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
