package clitest

import (
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func TestTmpBulkProbe(t *testing.T) {
	bulk := newCLIEnv(t, emulator.Options{})
	bulk.Opts.RequestsPerSecond = 100
	if err := bulk.WS.WriteConfig(BulkConfig(2000, bulk.Opts, "")); err != nil {
		t.Fatal(err)
	}
	apply := bulk.runPhase(t, "apply", "apply", "-auto-approve")
	plan := bulk.runPhase(t, "plan, no change", "plan", "-detailed-exitcode")
	if err := bulk.WS.WriteConfig(BulkConfig(2000, bulk.Opts, bulk.Server.RoleIDByName("Administrator Read Only"))); err != nil {
		t.Fatal(err)
	}
	change := bulk.runPhase(t, "apply, 1 role changed", "apply", "-auto-approve")
	destroy := bulk.runPhase(t, "destroy", "destroy", "-auto-approve")
	for _, p := range []phase{apply, plan, change, destroy} {
		t.Logf("%s: %d req %v wall %.1fs tfcpu %.1fs provcpu %.1fs rss %d MiB", p.Name, p.Total, p.ByMethod, p.Duration.Seconds(), (p.TotalCPU - p.CPU).Seconds(), p.CPU.Seconds(), p.PeakRSS/1024)
	}
}
