package clitest

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// TestCLITraceLogHasNoClickHouseSecret is TestCLITraceLogHasNoToken for the ClickHouse key: a
// ClickHouse member applied and destroyed with TF_LOG=trace, the secret in CLICKHOUSE_TOKEN_SECRET
// and no Cloudflare credentials at all (a ClickHouse-only configuration needs none). Neither the
// secret nor the basic-auth value built from it appears in the output.
func TestCLITraceLogHasNoClickHouseSecret(t *testing.T) {
	t.Parallel()
	const keyID, secret = "trace-key-id", "ch-secret-6a0e2f4b9c1d"
	basic := base64.StdEncoding.EncodeToString([]byte(keyID + ":" + secret))
	e := newCLIEnv(t, emulator.Options{ClickHouseKeyID: keyID, ClickHouseKeySecret: secret},
		"TF_LOG=trace", "CLICKHOUSE_TOKEN_KEY="+keyID, "CLICKHOUSE_TOKEN_SECRET="+secret)
	config := fmt.Sprintf(`
terraform {
  required_providers {
    iam = { source = "iamkit/iam" }
  }
}

provider "iam" {
  clickhouse {
    organization_id     = %q
    api_url             = "%s%s"
    requests_per_second = 100
  }
}

data "iam_clickhouse_roles" "all" {}

resource "iam_clickhouse_organization_member" "ann" {
  email    = "ann@example.com"
  role_ids = [data.iam_clickhouse_roles.all.ids_by_name["Member"]]
}
`, emulator.DefaultClickHouseOrgID, e.Opts.BaseURL, emulator.ClickHousePrefix)
	var output strings.Builder
	output.WriteString(e.apply(t, config).Output)
	output.WriteString(e.terraform(t, "destroy", "-auto-approve").Output)
	out := output.String()
	if !strings.Contains(out, "API exchange") || !strings.Contains(out, "/invitations") {
		t.Fatal("the output has no provider trace lines of ClickHouse requests: the test would prove nothing")
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.Contains(line, secret) || strings.Contains(line, basic) {
			t.Fatalf("line %d of the TF_LOG=trace output contains the ClickHouse secret: %s", i+1, line)
		}
	}
	reqs := e.Server.Requests()
	for _, r := range reqs {
		if r.AuthScheme != "basic" || r.Status == 401 {
			t.Fatalf("request %s %s: auth %s, status %d", r.Method, r.Path, r.AuthScheme, r.Status)
		}
	}
	writeSummary(t, fmt.Sprintf("TF_LOG=trace apply+destroy of a ClickHouse member: %d output lines, the key secret in none; %d requests authenticated with it",
		strings.Count(out, "\n"), len(reqs)))
}
