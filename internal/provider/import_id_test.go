package provider

import (
	"strings"
	"testing"
)

const (
	acctA = "0123456789abcdef0123456789abcdef"
	acctB = "fedcba9876543210fedcba9876543210"
)

func TestParseImportID(t *testing.T) {
	formats := []string{"<account_id>/<member_id>", "<account_id>/<email>"}
	cases := []struct {
		raw, def      string
		acct, key     string
		hex           bool
		wantErrSubstr string
	}{
		{raw: acctA + "/" + acctB, acct: acctA, key: acctB, hex: true},
		{raw: acctA + "/jane@example.com", acct: acctA, key: "jane@example.com"},
		{raw: "jane@example.com", def: acctB, acct: acctB, key: "jane@example.com"},
		{raw: acctB, def: acctA, acct: acctA, key: acctB, hex: true},
		{raw: "team/a", def: acctA, acct: acctA, key: "team/a"}, // a group name may contain "/"
		{raw: "", def: acctA, wantErrSubstr: "empty"},
		{raw: "jane@example.com", wantErrSubstr: "no account ID"},
		{raw: acctA + "/", wantErrSubstr: "after the account ID is empty"},
	}
	for _, tc := range cases {
		id, err := parseImportID(tc.raw, tc.def, formats)
		if tc.wantErrSubstr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrSubstr) || !strings.Contains(err.Error(), "<account_id>/<email>") {
				t.Errorf("parseImportID(%q): error %v, want one containing %q and the accepted formats", tc.raw, err, tc.wantErrSubstr)
			}
			continue
		}
		if err != nil || id.AccountID != tc.acct || id.Key != tc.key || id.IsHexID != tc.hex {
			t.Errorf("parseImportID(%q) = %+v, %v; want account %q key %q hex %v", tc.raw, id, err, tc.acct, tc.key, tc.hex)
		}
	}
}

func FuzzParseImportID(f *testing.F) {
	for _, seed := range []string{"", "/", acctA + "/" + acctB, "jane@example.com", acctA + "//x", "a/b/c", "\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := parseImportID(raw, acctA, []string{"<account_id>/<id>"})
		if err != nil {
			if !strings.Contains(err.Error(), "Expected one of") {
				t.Fatalf("error without the accepted formats: %v", err)
			}
			return
		}
		if id.AccountID == "" || strings.TrimSpace(id.Key) == "" {
			t.Fatalf("accepted %q with an empty part: %+v", raw, id)
		}
	})
}
