package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// startCommand runs the command in-process until the test ends and returns its base URL.
func startCommand(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urlFile := filepath.Join(t.TempDir(), "url")
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0", "-url-file", urlFile}, args...), &stdout)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	for i := 0; i < 200; i++ {
		if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
			if !strings.Contains(stdout.String(), "iam-emulator listening on "+string(b)) {
				t.Fatalf("start line missing; stdout %q", stdout.String())
			}
			return string(b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the emulator did not start")
	return ""
}

func call(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var env map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&env)
	return resp.StatusCode, env
}

func TestCommandServesAndPersists(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data.json")
	const acct = "0123456789abcdef0123456789abcdef"
	url := startCommand(t, "-token", "tok-1,tok-2", "-data", data)
	if status, _ := call(t, "GET", url+"/accounts/"+acct+"/roles", "wrong", ""); status != http.StatusForbidden {
		t.Fatalf("bad token: HTTP %d, want 403", status)
	}
	if status, env := call(t, "POST", url+"/client/v4/accounts/"+acct+"/iam/user_groups", "tok-2", `{"name":"ops"}`); status != 200 || env["success"] != true {
		t.Fatalf("create group: HTTP %d %v", status, env)
	}
	// A second emulator on the same data file sees the group.
	url2 := startCommand(t, "-token", "tok-1", "-data", data)
	_, env := call(t, "GET", url2+"/accounts/"+acct+"/iam/user_groups?name=ops", "tok-1", "")
	if groups, _ := env["result"].([]any); len(groups) != 1 {
		t.Fatalf("persisted groups: %v", env["result"])
	}
}

func TestCommandRefusesNonLoopback(t *testing.T) {
	err := run(context.Background(), []string{"-listen", "0.0.0.0:0"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("got %v, want a loopback error", err)
	}
}

func TestCommandLies(t *testing.T) {
	const acct = "0123456789abcdef0123456789abcdef"
	url := startCommand(t, "-token", "tok", "-lie", "total_pages,null_result", "-lie-path", "/roles")
	_, env := call(t, "GET", url+"/accounts/"+acct+"/roles", "tok", "")
	info, _ := env["result_info"].(map[string]any)
	if env["result"] != nil || info["total_pages"] != float64(1) || info["total_count"].(float64) < 2 {
		t.Fatalf("-lie total_pages,null_result: result %v, result_info %v", env["result"], info)
	}
	if _, env := call(t, "GET", url+"/accounts/"+acct+"/iam/permission_groups", "tok", ""); env["result"] == nil {
		t.Fatal("-lie-path /roles lied on permission_groups")
	}
	err := run(context.Background(), []string{"-lie", "sometimes"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "unknown lie") {
		t.Fatalf("-lie sometimes: %v", err)
	}
	for _, k := range emulator.LieKinds { // -h documents every lie
		if !strings.Contains(lieHelp(), string(k)+" ") || emulator.LieDescription(k) == "" {
			t.Errorf("-h does not describe the lie %s", k)
		}
	}
}
