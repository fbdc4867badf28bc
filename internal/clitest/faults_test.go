package clitest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// faultSize is the fault suite's medium configuration: dozens of members, several groups, and
// memberships in both modes (every second one is additive).
var faultSize = Size{Name: "fault", Members: 30, Groups: 6, LargestGroup: 24}

// TestCLIFaults applies, updates and destroys faultSize while the emulator injects faults, each
// kind in its own run and then all mixed. Every run must end with the account exactly as
// configured, without duplicates, and with an empty plan (planned under the same faults).
func TestCLIFaults(t *testing.T) {
	t.Parallel()
	runs := []struct {
		name        string
		faults      emulator.Faults
		newGroup404 int // a new group's first /members requests answered 404
	}{
		{name: "429 with Retry-After", faults: emulator.Faults{RateLimitRatio: 0.15, RetryAfterSeconds: 1}},
		{name: "500/502/503", faults: emulator.Faults{ServerErrorRatio: 0.15}},
		{name: "slow beyond the timeout", faults: emulator.Faults{SlowRatio: 0.05, SlowDelay: 4 * time.Second}},
		{name: "dropped after processing", faults: emulator.Faults{DropAfterRatio: 0.1}},
		{name: "new group 404", newGroup404: 2},
		{name: "mixed", newGroup404: 1, faults: emulator.Faults{RateLimitRatio: 0.04, RetryAfterSeconds: 1,
			ServerErrorRatio: 0.04, SlowRatio: 0.02, SlowDelay: 4 * time.Second, DropBeforeRatio: 0.03, DropAfterRatio: 0.04}},
	}
	for i, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			e := newCLIEnv(t, emulator.Options{NewGroupMembers404Requests: run.newGroup404}, "TF_LOG_PROVIDER=WARN")
			faults := run.faults
			faults.Seed = int64(i + 1)
			opts := e.Opts
			opts.RequestsPerSecond, opts.MaxRetries, opts.RequestTimeoutSeconds, opts.AdditiveEvery = 100, 10, 2, 2
			retries := 0

			step := func(name string, o ConfigOptions, args ...string) {
				t.Helper()
				e.Server.SetFaults(faults)
				if err := e.WS.WriteConfig(Config(faultSize, o)); err != nil {
					t.Fatal(err)
				}
				res := e.terraform(t, args...)
				retries += strings.Count(res.Output, "retrying API request")
				e.Server.SetFaults(emulator.Faults{}) // the check reads the account without faults
				var err error
				if args[0] == "destroy" {
					err = e.checkEmpty(o)
				} else {
					err = e.checkAccount(t, faultSize, o)
				}
				if err != nil {
					t.Fatalf("%s: %v\n%s", name, err, tail(res.Output, 30))
				}
				if args[0] != "destroy" {
					e.Server.SetFaults(faults)
					res = e.expectEmptyPlan(t)
					retries += strings.Count(res.Output, "retrying API request")
				}
			}
			step("create", opts, "apply", "-auto-approve")
			changed := opts
			changed.ChangedMemberships, changed.RenamedGroups = 2, 1
			step("update", changed, "apply", "-auto-approve")
			step("destroy", changed, "destroy", "-auto-approve")

			injected := e.Server.FaultsInjected()
			total := 0
			var kinds []string
			for _, k := range slices.Sorted(maps.Keys(injected)) {
				total += injected[k]
				kinds = append(kinds, fmt.Sprintf("%s %d", k, injected[k]))
			}
			if run.newGroup404 > 0 {
				n404 := 0
				for _, r := range e.Server.Requests() {
					if r.Status == 404 && strings.Contains(r.Path, "/members") && r.Method != "DELETE" {
						n404++
					}
				}
				kinds = append(kinds, fmt.Sprintf("new-group 404 %d", n404))
				total += n404
			}
			if total == 0 {
				t.Fatal("no fault was injected: the run proves nothing")
			}
			writeSummary(t, fmt.Sprintf("fault run %-26s faults injected %3d (%s), retries %3d, final state correct, plans empty",
				run.name+":", total, strings.Join(kinds, ", "), retries))
		})
	}
}
