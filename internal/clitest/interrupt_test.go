package clitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// TestCLIInterruptedRuns sends SIGINT to terraform half-way through an apply and then half-way
// through a destroy, as a cancelled CI job does. Each time the next run converges: the account
// ends exactly as configured (or empty), with no duplicate and nothing lost.
func TestCLIInterruptedRuns(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	opts := e.Opts
	opts.RequestsPerSecond, opts.AdditiveEvery = 5, 2 // slow enough to stop in the middle
	if err := e.WS.WriteConfig(Config(faultSize, opts)); err != nil {
		t.Fatal(err)
	}
	interruptAfterWrites := func(args ...string) {
		t.Helper()
		before := e.Server.CountWrites()
		run, err := e.WS.Start(context.Background(), append(args, "-input=false", "-no-color")...)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for e.Server.CountWrites()-before < 10 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if err := run.Interrupt(); err != nil {
			t.Fatal(err)
		}
		res, err := run.Wait()
		if err != nil {
			t.Fatal(err)
		}
		done := e.Server.CountWrites() - before
		if res.ExitCode == 0 {
			t.Fatalf("terraform %s finished (%d writes) before the interrupt; nothing was tested", args[0], done)
		}
		if !strings.Contains(res.Output, "Interrupt received") {
			t.Fatalf("terraform %s did not see the interrupt:\n%s", args[0], tail(res.Output, 20))
		}
		t.Logf("terraform %s interrupted after %d writes", args[0], done)
	}

	interruptAfterWrites("apply", "-auto-approve")
	e.terraform(t, "apply", "-auto-approve")
	if err := e.checkAccount(t, faultSize, opts); err != nil {
		t.Fatalf("after the interrupted apply and a second one: %v", err)
	}
	e.expectEmptyPlan(t)

	interruptAfterWrites("destroy", "-auto-approve")
	e.terraform(t, "destroy", "-auto-approve")
	if err := e.checkEmpty(opts); err != nil {
		t.Fatal(err)
	}
	writeSummary(t, "interrupted apply and destroy: the next run converged, no duplicates")
}
