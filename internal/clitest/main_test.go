package clitest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

const testToken = "clitest-token-8d3f2a7c41b9e605" // distinctive, so the log test can search for it

var (
	terraformPath string
	providerDir   string // holds the provider binary built for this test run
)

// TestMain builds the provider binary once. Like every acceptance test, these run only with
// TF_ACC set, and then fail (never skip, never download) when terraform is not on PATH.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") == "" {
		os.Exit(m.Run()) // each test skips with a message
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			fmt.Fprintln(os.Stderr, "CLI tests need the terraform CLI on PATH (TF_ACC is set): install Terraform 1.7+")
			os.Exit(1)
		}
	}
	terraformPath = tf
	dir, err := os.MkdirTemp("", "iam-clitest-provider-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := BuildProvider(context.Background(), filepath.Join("..", ".."), dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	providerDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// cliEnv is one emulator on loopback and one workspace whose terraform runs the built provider.
type cliEnv struct {
	Server *emulator.Server
	WS     *Workspace
	Opts   ConfigOptions // connection settings and catalogue IDs for Config
}

func newCLIEnv(t testing.TB, opts emulator.Options, extraEnv ...string) *cliEnv {
	t.Helper()
	if terraformPath == "" {
		t.Skip("CLI tests run with TF_ACC=1 (make test sets it)")
	}
	if opts.Tokens == nil {
		opts.Tokens = []string{testToken}
	}
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	ws, err := NewWorkspace(t.TempDir(), terraformPath, providerDir, extraEnv...)
	if err != nil {
		t.Fatal(err)
	}
	acct := emulator.DefaultAccountID
	return &cliEnv{Server: srv, WS: ws, Opts: ConfigOptions{
		BaseURL: ts.URL, Token: testToken, AccountID: acct,
		RoleID:            srv.RoleIDByName("Administrator"),
		PermissionGroupID: srv.PermissionGroupIDByName("Zone Read"),
		ResourceGroupID:   srv.ResourceGroupIDs(acct)[0],
	}}
}

// client talks to the emulator directly, for changes made outside Terraform and for checks.
func (e *cliEnv) client(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{BaseURL: e.Opts.BaseURL, APIToken: e.Opts.Token, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// terraform runs one command and fails the test if it exits non-zero.
func (e *cliEnv) terraform(t testing.TB, args ...string) *Result {
	t.Helper()
	if slices.Contains([]string{"plan", "apply", "destroy", "import"}, args[0]) {
		args = append(args, "-input=false", "-no-color")
	}
	res, err := e.WS.Run(context.Background(), args...)
	if err != nil {
		t.Fatalf("terraform %s: %v", args[0], err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("terraform %s exited %d:\n%s", args[0], res.ExitCode, tail(res.Output, 40))
	}
	return res
}

func (e *cliEnv) apply(t testing.TB, config string) *Result {
	t.Helper()
	if err := e.WS.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	return e.terraform(t, "apply", "-auto-approve")
}

// expectEmptyPlan fails unless a plan of the current configuration has no changes.
func (e *cliEnv) expectEmptyPlan(t testing.TB) *Result {
	t.Helper()
	res, err := e.WS.Run(context.Background(), "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("plan after apply is not empty (exit %d):\n%s", res.ExitCode, tail(res.Output, 60))
	}
	return res
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(parts[max(0, len(parts)-lines):], "\n")
}
