package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// contractFixture is one endpoint and answer shape of the real API, written from the seed pages'
// documented fields (/work/shared/seeds, api-notes.md) and the official SDK's types, not from the
// emulator: testdata/contract/*.json. The emulator's answer must match it field by field; the
// client's own test decodes the same fixtures.
type contractFixture struct {
	Endpoint   string          `json:"endpoint"` // "METHOD /path?query" with {placeholders}
	Source     string          `json:"source"`
	Request    json.RawMessage `json:"request"`
	Status     int             `json:"status"`
	Optional   []string        `json:"optional"`    // dotted paths ("errors.*.source") the answer may leave out
	ClientOnly bool            `json:"client_only"` // a documented shape the emulator does not produce
	BadToken   bool            `json:"bad_token"`
	Client     string          `json:"client"`       // the client call that decodes it (the client's test)
	ClientErr  string          `json:"client_error"` // the error kind that call returns
	Response   json.RawMessage `json:"response"`
}

func loadContractFixtures(t *testing.T) map[string]contractFixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "contract", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no contract fixtures under testdata/contract (%v)", err)
	}
	out := map[string]contractFixture{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var fx contractFixture
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fx); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = fx
	}
	return out
}

// TestContract answers every fixture's request from a fresh emulator holding a member with roles,
// a member with policies and a group with a policy and a member, and compares the answer with the
// fixture: the same status, every documented field present (unless optional) with the documented
// JSON type, and no field the documentation does not have.
func TestContract(t *testing.T) {
	for name, fx := range loadContractFixtures(t) {
		if fx.ClientOnly {
			continue
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, emulator.Options{})
			ids := seedContractAccount(t, f)
			method, target, _ := strings.Cut(fx.Endpoint, " ")
			for k, v := range ids {
				target = strings.ReplaceAll(target, "{"+k+"}", v)
			}
			body := string(fx.Request)
			for k, v := range ids {
				body = strings.ReplaceAll(body, "{"+k+"}", v)
			}
			tok := token
			if fx.BadToken {
				tok = "wrong-token"
			}
			req, _ := http.NewRequest(method, f.url+target, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != fx.Status {
				t.Fatalf("%s: HTTP %d, the API answers %d (%s)\n%s", fx.Endpoint, resp.StatusCode, fx.Status, fx.Source, raw)
			}
			var want, got any
			if err := json.Unmarshal(fx.Response, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, raw)
			}
			var problems []string
			compareShape("", want, got, fx.Optional, &problems)
			slices.Sort(problems)
			problems = slices.Compact(problems) // one line per field, not per array element
			if len(problems) > 0 {
				t.Fatalf("%s differs from the documented answer (%s):\n  %s\nanswer: %s", fx.Endpoint, fx.Source, strings.Join(problems, "\n  "), raw)
			}
		})
	}
}

// seedContractAccount fills a fresh emulator and returns the IDs the fixtures' placeholders name.
func seedContractAccount(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	pg := f.srv.PermissionGroupIDByName("Zone Read")
	rg := f.srv.ResourceGroupIDs(acct)[1]
	policy := []any{map[string]any{"access": "allow", "permission_groups": []map[string]any{{"id": pg}}, "resource_groups": []map[string]any{{"id": rg}}}}
	ids, err := f.srv.SeedMembers(acct, 1, "jane")
	if err != nil {
		t.Fatal(err)
	}
	var m, g struct{ ID string }
	f.result("POST", "/accounts/"+acct+"/members", map[string]any{"email": "pat@example.com", "policies": policy}, &m)
	f.result("POST", "/accounts/"+acct+"/iam/user_groups", map[string]any{"name": "sre", "policies": policy}, &g)
	f.result("PUT", "/accounts/"+acct+"/iam/user_groups/"+g.ID+"/members", []map[string]string{{"id": ids[0]}}, nil)
	return map[string]string{"account_id": acct, "member_id": ids[0], "policy_member_id": m.ID, "user_group_id": g.ID,
		"role_id": f.srv.RoleIDByName("Administrator"), "permission_group_id": pg, "resource_group_id": rg,
		"missing_id": "ffffffffffffffffffffffffffffffff"}
}

// compareShape checks got against the documented want: null in want accepts anything, an empty
// object or array accepts any object or array, an array's elements each match want's first.
func compareShape(path string, want, got any, optional []string, problems *[]string) {
	if want == nil {
		return
	}
	kind := func(v any) string {
		switch v.(type) {
		case map[string]any:
			return "object"
		case []any:
			return "array"
		case string:
			return "string"
		case float64:
			return "number"
		case bool:
			return "boolean"
		}
		return "null"
	}
	if kind(want) != kind(got) {
		*problems = append(*problems, fmt.Sprintf("%s: %s, documented as %s", orRoot(path), kind(got), kind(want)))
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		if len(w) == 0 {
			return
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := join(path, k)
			wv, documented := w[k]
			gv, present := g[k]
			switch {
			case !documented:
				*problems = append(*problems, p+": not a documented field")
			case !present && !slices.Contains(optional, p):
				*problems = append(*problems, p+": missing")
			case present:
				compareShape(p, wv, gv, optional, problems)
			}
		}
	case []any:
		if len(w) == 0 {
			return
		}
		for _, gv := range got.([]any) {
			compareShape(join(path, "*"), w[0], gv, optional, problems)
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(p string) string {
	if p == "" {
		return "(the answer)"
	}
	return p
}
