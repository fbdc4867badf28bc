package clitest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// TestCLITraceLogHasNoToken runs a full apply and destroy with TF_LOG=trace, the token once in the
// provider block and once in CLOUDFLARE_API_TOKEN, and searches every line terraform and the
// provider printed for it. The emulator's log shows the token was used on every request.
func TestCLITraceLogHasNoToken(t *testing.T) {
	t.Parallel()
	small := Size{Name: "trace", Members: 3, Groups: 2, LargestGroup: 3}
	for _, from := range []string{"provider block", "environment"} {
		t.Run(from, func(t *testing.T) {
			t.Parallel()
			env := []string{"TF_LOG=trace"}
			if from == "environment" {
				env = append(env, "CLOUDFLARE_API_TOKEN="+testToken)
			}
			e := newCLIEnv(t, emulator.Options{}, env...)
			opts := e.Opts
			opts.RequestsPerSecond = 100
			config := Config(small, opts)
			if from == "environment" {
				config = strings.Replace(config, `  api_token  = "`+testToken+`"`+"\n", "", 1)
				if strings.Contains(config, testToken) {
					t.Fatal("the token is still in the configuration")
				}
			}
			var output strings.Builder
			output.WriteString(e.apply(t, config).Output)
			output.WriteString(e.terraform(t, "destroy", "-auto-approve").Output)
			out := output.String()
			if !strings.Contains(out, "API exchange") || !strings.Contains(out, "[TRACE]") {
				t.Fatal("the output has no provider trace lines: the test would prove nothing")
			}
			for i, line := range strings.Split(out, "\n") {
				if strings.Contains(line, testToken) || strings.Contains(line, testToken[len(testToken)-12:]) {
					t.Fatalf("line %d of the TF_LOG=trace output contains the token: %s", i+1, line)
				}
			}
			reqs := e.Server.Requests()
			for _, r := range reqs {
				if r.AuthScheme != "bearer" || r.Status == 403 {
					t.Fatalf("request %s %s: auth %s, status %d", r.Method, r.Path, r.AuthScheme, r.Status)
				}
			}
			writeSummary(t, fmt.Sprintf("TF_LOG=trace apply+destroy, token from the %s: %d output lines, token in none; %d requests authenticated with it",
				from, strings.Count(out, "\n"), len(reqs)))
		})
	}
}
