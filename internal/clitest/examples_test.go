package clitest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// exampleProvider is the provider block of the example tests: both APIs of this emulator.
func exampleProvider(e *cliEnv) string {
	block := ProviderBlock(e.Opts)
	return strings.TrimSuffix(block, "}\n") + fmt.Sprintf(`  clickhouse {
    organization_id = %q
    token_key       = %q
    token_secret    = %q
    api_url         = "%s%s"
  }
}
`, emulator.DefaultClickHouseOrgID, emulator.DefaultClickHouseKeyID, emulator.DefaultClickHouseKeySecret, e.Opts.BaseURL, emulator.ClickHousePrefix)
}

// exampleFiles returns the examples/<kind>/<type>/<file> files, by type name.
func exampleFiles(t *testing.T, kind, file string) map[string]string {
	t.Helper()
	dirs, err := os.ReadDir(filepath.Join("..", "..", "examples", kind))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", kind, d.Name(), file))
		if err != nil {
			t.Fatalf("examples/%s/%s: %v (every %s needs %s)", kind, d.Name(), err, kind, file)
		}
		out[d.Name()] = string(b)
	}
	if len(out) == 0 {
		t.Fatalf("no examples under examples/%s", kind)
	}
	return out
}

// TestCLIResourceExamples applies every resource example (examples/resources/*/resource.tf, which
// the docs show) as written, with only a provider block added, against an emulator with default
// settings (no entitlement to add members directly): the apply succeeds, the next plan is empty,
// and destroy leaves the account as it found it.
func TestCLIResourceExamples(t *testing.T) {
	t.Parallel()
	for name, example := range exampleFiles(t, "resources", "resource.tf") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newCLIEnv(t, emulator.Options{})
			e.apply(t, exampleProvider(e)+"\n"+example)
			e.expectEmptyPlan(t)
			e.terraform(t, "destroy", "-auto-approve")
			if n := len(e.Server.MemberIDs(e.Opts.AccountID)) + len(e.Server.Groups(e.Opts.AccountID)); n != 0 {
				t.Fatalf("%d members and groups left after destroy", n)
			}
		})
	}
}

// TestCLIDataSourceExamples validates every data-source example as written (each on its own: it
// declares whatever it refers to).
func TestCLIDataSourceExamples(t *testing.T) {
	t.Parallel()
	for name, example := range exampleFiles(t, "data-sources", "data-source.tf") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newCLIEnv(t, emulator.Options{})
			if err := e.WS.WriteConfig(exampleProvider(e) + "\n" + example); err != nil {
				t.Fatal(err)
			}
			res := e.terraform(t, "validate", "-no-color")
			if !strings.Contains(res.Output, "The configuration is valid") {
				t.Fatalf("validate:\n%s", tail(res.Output, 20))
			}
		})
	}
}
