package clitest

import (
	"os"
	"sync"
	"testing"
)

var summaryMu sync.Mutex

// writeSummary records one line for the end of `make test` (go test hides the output of passing
// tests): it is appended to the file named by IAM_TEST_SUMMARY and logged.
func writeSummary(t testing.TB, line string) {
	t.Helper()
	t.Log(line)
	path := os.Getenv("IAM_TEST_SUMMARY")
	if path == "" {
		return
	}
	summaryMu.Lock()
	defer summaryMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600) // #nosec G304 -- path chosen by the test command
	if err != nil {
		t.Errorf("writing the test summary: %v", err)
		return
	}
	defer func() { _ = f.Close() }()
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Errorf("writing the test summary: %v", err)
	}
}
