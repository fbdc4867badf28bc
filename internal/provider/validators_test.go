package provider

import (
	"strings"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"jane@example.com", "a.b+ops@sub.example.co.uk"} {
		if msg := checkEmail(ok); msg != "" {
			t.Errorf("checkEmail(%q) = %q, want valid", ok, msg)
		}
	}
	for _, bad := range []string{"", "jane", "jane@", "@example.com", "Jane <jane@example.com>", "jane@localhost",
		"jane doe@example.com", strings.Repeat("a", 80) + "@example.com"} {
		if msg := checkEmail(bad); msg == "" {
			t.Errorf("checkEmail(%q) accepted an invalid address", bad)
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	for _, ok := range []string{"https://api.cloudflare.com/client/v4", "http://127.0.0.1:8080", "http://localhost:1/x", "http://[::1]:9"} {
		if msg := checkBaseURL(ok); msg != "" {
			t.Errorf("checkBaseURL(%q) = %q, want valid", ok, msg)
		}
	}
	for _, bad := range []string{"", "api.cloudflare.com", "ftp://x.example", "http://api.example.com", "http://10.0.0.1:80",
		"https://user:pw@api.example.com", "https://api.example.com/?token=x"} {
		if msg := checkBaseURL(bad); msg == "" {
			t.Errorf("checkBaseURL(%q) accepted an invalid URL", bad)
		}
	}
}

// A base_url with a password in it is refused without printing the password: the diagnostic is
// shown in the console and CI logs like any other.
func TestCheckBaseURLHidesUserInfoPassword(t *testing.T) {
	msg := checkBaseURL("https://ops:hunter2-proxy-secret@proxy.example.com/client/v4")
	if msg == "" || strings.Contains(msg, "hunter2-proxy-secret") {
		t.Fatalf("checkBaseURL = %q; want a refusal without the password", msg)
	}
}
