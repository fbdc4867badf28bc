package main

import (
	runtimedebug "runtime/debug"
	"testing"
)

func TestQuietLogDefaults(t *testing.T) {
	got := quietLogDefaults([]string{"HOME=/root", "PATH=/bin"})
	// The provider's own logger reads TF_LOG_PROVIDER_IAM (terraform-plugin-go names it after the
	// provider address), not TF_LOG_PROVIDER: without it every API request and answer was formatted
	// as JSON at TRACE and sent to terraform, which dropped it.
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_IAM", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		// The subsystem loggers (framework, proto) do not inherit TF_LOG_SDK's level for their
		// early "would this log?" check: without their own OFF every TRACE call does its work.
		if got[k] != "OFF" {
			t.Errorf("no TF_LOG*: %s = %q, want OFF (%v)", k, got[k], got)
		}
	}
	for _, asked := range []string{"TF_LOG=trace", "TF_LOG_PROVIDER=debug", "TF_LOG_SDK_FRAMEWORK=trace", "TF_LOG_PATH=/tmp/x"} {
		if got := quietLogDefaults([]string{asked}); got != nil {
			t.Fatalf("%s: %v, want the defaults left alone", asked, got)
		}
	}
}

func TestSetGCPercent(t *testing.T) {
	defer runtimedebug.SetGCPercent(runtimedebug.SetGCPercent(100))
	setGCPercent(func(string) string { return "" })
	if got := runtimedebug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC unset: GC percent %d, want %d", got, gcPercent)
	}
	setGCPercent(func(k string) string { return map[string]string{"GOGC": "50"}[k] })
	if got := runtimedebug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent changed to %d; the user's GOGC must win", got)
	}
}
