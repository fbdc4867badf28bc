package main

import "testing"

func TestQuietLogDefaults(t *testing.T) {
	if got := quietLogDefaults([]string{"HOME=/root", "PATH=/bin"}); got["TF_LOG_SDK"] != "OFF" || got["TF_LOG_PROVIDER"] != "OFF" {
		t.Fatalf("no TF_LOG*: %v, want both off", got)
	}
	for _, asked := range []string{"TF_LOG=trace", "TF_LOG_PROVIDER=debug", "TF_LOG_SDK_FRAMEWORK=trace", "TF_LOG_PATH=/tmp/x"} {
		if got := quietLogDefaults([]string{asked}); got != nil {
			t.Fatalf("%s: %v, want the defaults left alone", asked, got)
		}
	}
}
