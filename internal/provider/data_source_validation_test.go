package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// unusedHexID is well-formed (32 lowercase hex characters) but names nothing in the emulator.
const unusedHexID = "00000000000000000000000000000000"

// dataSourceErrorCase is one configuration of data sources that must fail with an error matching err.
type dataSourceErrorCase struct {
	name   string
	config string // data source blocks; the provider block is prepended
	err    string // regexp the error must match; it names the attribute or the problem. Each space matches any run of whitespace, since Terraform wraps long diagnostics.
}

// runDataSourceErrorCase runs one plan-only step that must fail, against env.
func runDataSourceErrorCase(t *testing.T, env *testEnv, c dataSourceErrorCase) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + c.config,
			PlanOnly:    true, // the error must come from plan, never from an apply
			ExpectError: regexp.MustCompile(strings.ReplaceAll(c.err, " ", `\s+`)),
		}},
	})
}

// Every validation rule of every data source fails at validate time: the error names the attribute
// and what is wrong with it, and not a single request reaches the API.
func TestAccDataSourceValidation(t *testing.T) {
	t.Parallel()
	const (
		badAccount   = `(?s)Attribute account_id must be an account ID: 32 lowercase hexadecimal characters, got: `
		memberEmail  = `(?s)Invalid email address.*` + "`email`"
		exactlyOneOf = `(?s)%s.*Exactly one of these attributes must be configured: \[%s\]`
		nameLength   = `(?s)Attribute name string length must be at least 1, got: 0`
	)
	cases := []dataSourceErrorCase{
		// accountIDValidator on every data source's account_id; the other attributes are valid.
		{"account_members/account_id", `data "iam_account_members" "x" { account_id = "nope" }`, badAccount + `nope`},
		{"account_members/account_id_uppercase", `data "iam_account_members" "x" { account_id = "` + strings.ToUpper(acctB) + `" }`, badAccount + strings.ToUpper(acctB)},
		{"account_members/account_id_short", `data "iam_account_members" "x" { account_id = "` + acctB[1:] + `" }`, badAccount + acctB[1:]},
		{"account_member/account_id", `data "iam_account_member" "x" {
  account_id = "nope"
  email      = "jane@example.com"
}`, badAccount + `nope`},
		{"user_groups/account_id", `data "iam_user_groups" "x" { account_id = "nope" }`, badAccount + `nope`},
		{"user_group/account_id", `data "iam_user_group" "x" {
  account_id = "nope"
  name       = "ops"
}`, badAccount + `nope`},
		{"user_group_membership/account_id", `data "iam_user_group_membership" "x" {
  account_id    = "nope"
  user_group_id = "` + unusedHexID + `"
}`, badAccount + `nope`},
		{"roles/account_id", `data "iam_roles" "x" { account_id = "nope" }`, badAccount + `nope`},
		{"permission_groups/account_id", `data "iam_permission_groups" "x" { account_id = "nope" }`, badAccount + `nope`},
		{"resource_groups/account_id", `data "iam_resource_groups" "x" { account_id = "nope" }`, badAccount + `nope`},

		// hexIDValidator on the IDs that data sources look up.
		{"account_member/id", `data "iam_account_member" "x" { id = "jane" }`,
			`(?s)Attribute id must be an account member ID: 32 lowercase hexadecimal characters, got: jane`},
		{"account_member/id_uppercase", `data "iam_account_member" "x" { id = "` + strings.ToUpper(acctB) + `" }`,
			`(?s)Attribute id must be an account member ID: 32 lowercase hexadecimal characters`},
		{"user_group/id", `data "iam_user_group" "x" { id = "ops" }`,
			`(?s)Attribute id must be a user group ID: 32 lowercase hexadecimal characters, got: ops`},
		{"user_group_membership/user_group_id", `data "iam_user_group_membership" "x" { user_group_id = "ops" }`,
			`(?s)Attribute user_group_id must be a user group ID: 32 lowercase hexadecimal characters, got: ops`},

		// emailValidator on iam_account_member: every branch of checkEmail.
		{"account_member/email_not_an_address", `data "iam_account_member" "x" { email = "not-an-email" }`,
			memberEmail + ` must be a plain email address such as "jane@example.com"; got "not-an-email"`},
		{"account_member/email_empty", `data "iam_account_member" "x" { email = "" }`,
			memberEmail + ` must be a plain email address`},
		{"account_member/email_display_name", `data "iam_account_member" "x" { email = "Jane <jane@example.com>" }`,
			memberEmail + ` must be a plain email address`},
		{"account_member/email_no_domain", `data "iam_account_member" "x" { email = "jane@localhost" }`,
			memberEmail + ` must be an email address with a domain such as "example.com"; got "jane@localhost"`},
		{"account_member/email_too_long", `data "iam_account_member" "x" { email = "` + strings.Repeat("j", 80) + `@example.com" }`,
			memberEmail + ` must be at most 90 characters \(the API's limit\); got 92`},

		// ConfigValidators: exactly one of id and email, of id and name.
		{"account_member/neither_id_nor_email", `data "iam_account_member" "x" {}`,
			fmt.Sprintf(exactlyOneOf, `Missing Attribute Configuration`, `id,email`)},
		{"account_member/both_id_and_email", `data "iam_account_member" "x" {
  id    = "` + unusedHexID + `"
  email = "jane@example.com"
}`, fmt.Sprintf(exactlyOneOf, `Invalid Attribute Combination`, `id,email`)},
		{"user_group/neither_id_nor_name", `data "iam_user_group" "x" {}`,
			fmt.Sprintf(exactlyOneOf, `Missing Attribute Configuration`, `id,name`)},
		{"user_group/both_id_and_name", `data "iam_user_group" "x" {
  id   = "` + unusedHexID + `"
  name = "ops"
}`, fmt.Sprintf(exactlyOneOf, `Invalid Attribute Combination`, `id,name`)},

		// The status filter of iam_account_members.
		{"account_members/status_unknown", `data "iam_account_members" "x" { status = "invited" }`,
			`(?s)Attribute status value must be one of: \["accepted" "pending" "rejected"\], got: "invited"`},
		{"account_members/status_case", `data "iam_account_members" "x" { status = "Accepted" }`,
			`(?s)Attribute status value must be one of: .*got: "Accepted"`},

		// An empty name on the catalogue lookups.
		{"roles/name_empty", `data "iam_roles" "x" { name = "" }`, nameLength},
		{"permission_groups/name_empty", `data "iam_permission_groups" "x" { name = "" }`, nameLength},
		{"resource_groups/name_empty", `data "iam_resource_groups" "x" { name = "" }`, nameLength},
		{"user_group/name_empty", `data "iam_user_group" "x" { name = "" }`, nameLength},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			runDataSourceErrorCase(t, env, c)
			if reqs := env.Server.Requests(); len(reqs) != 0 {
				t.Fatalf("an invalid configuration made %d API requests, want 0 (first: %s %s)", len(reqs), reqs[0].Method, reqs[0].Path)
			}
		})
	}
}

// Lookups that find nothing fail at plan, when the data source is read, with an error that names
// what was looked up; they only read.
func TestAccDataSourceValidationLookupsFindNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dataSourceErrorCase
		path string // the API path the lookup must have read
	}{
		{dataSourceErrorCase{"account_member/email", `data "iam_account_member" "x" { email = "nobody@example.com" }`,
			`(?s)Cannot find the member with email nobody@example.com in account ` + acctA + `.*does not exist`}, "/members"},
		{dataSourceErrorCase{"account_member/id", `data "iam_account_member" "x" { id = "` + unusedHexID + `" }`,
			`(?s)Cannot find the member with ID ` + unusedHexID + ` in account ` + acctA + `.*does not exist`}, "/members/" + unusedHexID},
		{dataSourceErrorCase{"user_group/name", `data "iam_user_group" "x" { name = "Platform" }`, // only "platform" exists: names are exact
			`(?s)Cannot find the user group named "Platform" in account ` + acctA + `.*does not exist`}, "/iam/user_groups"},
		{dataSourceErrorCase{"user_group/id", `data "iam_user_group" "x" { id = "` + unusedHexID + `" }`,
			`(?s)Cannot find the user group with ID ` + unusedHexID + ` in account ` + acctA + `.*does not exist`}, "/iam/user_groups/" + unusedHexID},
		{dataSourceErrorCase{"user_group_membership/user_group_id", `data "iam_user_group_membership" "x" { user_group_id = "` + unusedHexID + `" }`,
			`(?s)Cannot read the members of user group ` + unusedHexID + `.*does not exist`}, "/iam/user_groups/" + unusedHexID + "/members"},
		{dataSourceErrorCase{"roles/name", `data "iam_roles" "x" { name = "administrator" }`,
			`(?s)role lookup found 0 matches.*No role is named "administrator" in account ` + acctA + `.*case-sensitive.*Available:.*"Administrator"`}, "/roles"},
		{dataSourceErrorCase{"permission_groups/name", `data "iam_permission_groups" "x" { name = "DNS Admin" }`,
			`(?s)permission group lookup found 0 matches.*No permission group is named "DNS Admin".*Available:.*"DNS Read"`}, "/iam/permission_groups"},
		{dataSourceErrorCase{"resource_groups/name", `data "iam_resource_groups" "x" { name = "dev zones" }`,
			`(?s)resource group lookup found 0 matches.*No resource group is named "dev zones".*Available:.*"production zones"`}, "/iam/resource_groups"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			ids, err := env.Server.SeedMembers(env.AccountID, 3, "dir")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.Server.SeedGroup(env.AccountID, "platform", ids); err != nil {
				t.Fatal(err)
			}
			runDataSourceErrorCase(t, env, c.dataSourceErrorCase)
			if n := env.Server.CountWrites(); n != 0 {
				t.Fatalf("a lookup sent %d write requests, want 0", n)
			}
			if n := env.Server.CountRequests("GET", c.path); n == 0 {
				t.Fatalf("the lookup never read %s: the error did not come from the API's answer", c.path)
			}
		})
	}
}

// A catalogue lookup by name that matches more than one entry is an error that says how many.
// The emulator's catalogues have unique names, so a proxy in front of it renames one entry to
// duplicate another, as an API with duplicate names would answer.
func TestAccDataSourceValidationCatalogLookupFindsMany(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dataSourceErrorCase
		listPath, from, to string
	}{
		{dataSourceErrorCase{"roles", `data "iam_roles" "x" { name = "Administrator" }`,
			`(?s)role lookup found 2 matches.*2 roles are named "Administrator" in account ` + acctA},
			"/roles", "Administrator Read Only", "Administrator"},
		{dataSourceErrorCase{"permission_groups", `data "iam_permission_groups" "x" { name = "DNS Read" }`,
			`(?s)permission group lookup found 2 matches.*2 permission groups are named "DNS Read"`},
			"/iam/permission_groups", "DNS Write", "DNS Read"},
		{dataSourceErrorCase{"resource_groups", `data "iam_resource_groups" "x" { name = "production zones" }`,
			`(?s)resource group lookup found 2 matches.*2 resource groups are named "production zones"`},
			"/iam/resource_groups", "staging zones", "production zones"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newRenamingTestEnv(t, c.listPath, c.from, c.to)
			runDataSourceErrorCase(t, env, c.dataSourceErrorCase)
			if n := env.Server.CountWrites(); n != 0 {
				t.Fatalf("a lookup sent %d write requests, want 0", n)
			}
		})
	}
}

// newRenamingTestEnv is newTestEnv behind a proxy that renames the catalogue entry named from to
// to in every answer of GET .../listPath.
func newRenamingTestEnv(t *testing.T, listPath, from, to string) *testEnv {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Tokens: []string{testToken}})
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, listPath) {
			srv.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("proxy: decoding %s: %v", r.URL.Path, err)
		}
		if items, ok := body["result"].([]any); ok {
			for _, it := range items {
				if e, ok := it.(map[string]any); ok && e["name"] == from {
					e["name"] = to
				}
			}
		}
		var out bytes.Buffer
		if err := json.NewEncoder(&out).Encode(body); err != nil {
			t.Errorf("proxy: encoding: %v", err)
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out.Bytes())
	}))
	t.Cleanup(ts.Close)
	return &testEnv{Server: srv, URL: ts.URL, AccountID: emulator.DefaultAccountID}
}

// A lookup of one member by email, or of one group by name, that matches more than one object must
// be an error, never an arbitrary pick. The API keeps emails and group names unique, so the
// duplicates are seeded straight into the emulator's state.
func TestAccDataSourceValidationLookupFindsMany(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dataSourceErrorCase
		seed func(*testEnv) error
	}{
		{dataSourceErrorCase{"account_member/email", `data "iam_account_member" "x" { email = "dup0@example.com" }`, `(?s)dup0@example.com.*(2|more than one)`},
			func(env *testEnv) error {
				for range 2 {
					if _, err := env.Server.SeedMembers(env.AccountID, 1, "dup"); err != nil {
						return err
					}
				}
				return nil
			}},
		{dataSourceErrorCase{"user_group/name", `data "iam_user_group" "x" { name = "platform" }`, `(?s)"platform".*(2|more than one)`},
			func(env *testEnv) error {
				for range 2 {
					if _, err := env.Server.SeedGroup(env.AccountID, "platform", nil); err != nil {
						return err
					}
				}
				return nil
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			if err := c.seed(env); err != nil {
				t.Fatal(err)
			}
			runDataSourceErrorCase(t, env, c.dataSourceErrorCase)
		})
	}
}
