package provider

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// listed is one result of the ListResource RPC, decoded.
type listed struct {
	DisplayName string
	Identity    map[string]any
	Resource    map[string]any // nil unless include_resource
	Error       string
}

// list calls the ListResource RPC (what `terraform query` does for a `list` block) and reads the
// whole stream.
func (p *protoProvider) list(typeName string, config map[string]tftypes.Value, includeResource bool, limit int64) []listed {
	p.t.Helper()
	cfg := p.value(p.schema.ListResourceSchemas[typeName], config)
	stream, err := p.srv.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: &cfg, IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []listed
	for r := range stream.Results {
		l := listed{DisplayName: r.DisplayName, Error: firstError(r.Diagnostics)}
		if l.Error == "" && r.Identity != nil {
			l.Identity = p.decode(p.identity.IdentitySchemas[typeName].ValueType(), r.Identity.IdentityData)
			if r.Resource != nil {
				l.Resource = p.decode(p.schema.ResourceSchemas[typeName].ValueType(), r.Resource)
			}
		}
		out = append(out, l)
	}
	return out
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// listGETs counts the GET requests of the log whose path ends with suffix.
func listGETs(srv *emulator.Server, suffix string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r.RawQuery)
		}
	}
	return out
}

// TestProtocolListResources drives the list resources of `terraform query` through the provider
// server's ListResource RPC, over more than one page of members and groups: every object once,
// with its identity, the resource object only when asked for, the filters, and the limit.
func TestProtocolListResources(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, emulator.Options{})
	ctx := context.Background()
	const members, groups = 60, 55 // the API pages members and groups by 50 at most
	memberIDs, err := e.Server.SeedMembers(e.AccountID, members, "lister")
	if err != nil {
		t.Fatal(err)
	}
	c := e.Client(t)
	pgID := e.Server.PermissionGroupIDByName("Zone Read")
	rgID := e.Server.ResourceGroupIDs(e.AccountID)[0]
	policy := []client.PolicyInput{{Access: "allow", PermissionGroupIDs: []string{pgID}, ResourceGroupIDs: []string{rgID}}}
	invited, err := c.Members.Create(ctx, e.AccountID, client.MemberCreate{Email: "Invited.Person@Example.com", Policies: policy, Status: "pending"})
	if err != nil {
		t.Fatal(err)
	}
	groupIDs := map[string]string{}
	for i := range groups {
		name := fmt.Sprintf("team %02d", i)
		if groupIDs[name], err = e.Server.SeedGroup(e.AccountID, name, memberIDs[:i%4]); err != nil {
			t.Fatal(err)
		}
	}
	withPolicy, err := c.UserGroups.Create(ctx, e.AccountID, client.UserGroupCreate{Name: "auditors", Policies: policy})
	if err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, e, nil)

	t.Run("members", func(t *testing.T) {
		e.Server.ResetRequests()
		got := p.list("iam_account_member", nil, true, 1000)
		if len(got) != members+1 {
			t.Fatalf("%d members listed, want %d", len(got), members+1)
		}
		if pages := listGETs(e.Server, "/members"); len(pages) != 2 {
			t.Errorf("%d page reads (%v), want 2", len(pages), pages)
		}
		seen := map[any]bool{}
		for _, l := range got {
			if l.Error != "" || l.Identity["account_id"] != e.AccountID || seen[l.Identity["id"]] || l.Resource["id"] != l.Identity["id"] {
				t.Fatalf("result %+v (error, wrong account, duplicate or resource of another object)", l)
			}
			seen[l.Identity["id"]] = true
		}
		last := got[len(got)-1]
		wantRes := map[string]any{"id": invited.ID, "account_id": e.AccountID, "email": "Invited.Person@Example.com", "status": "pending", "roles": nil}
		for k, v := range wantRes {
			if !reflect.DeepEqual(last.Resource[k], v) {
				t.Errorf("invited member's %s = %#v, want %#v", k, last.Resource[k], v)
			}
		}
		if last.Resource["policies"] == nil || last.DisplayName != "Invited.Person@Example.com (pending)" {
			t.Errorf("invited member: policies %v, display name %q", last.Resource["policies"], last.DisplayName)
		}
		if got[0].Resource["roles"] == nil || got[0].Resource["policies"] != nil {
			t.Errorf("seeded member: roles %v, policies %v", got[0].Resource["roles"], got[0].Resource["policies"])
		}
	})

	t.Run("member filters", func(t *testing.T) {
		got := p.list("iam_account_member", map[string]tftypes.Value{"email_contains": str("LISTER1")}, false, 100)
		if len(got) != 11 { // lister1, lister10..lister19
			t.Fatalf("email_contains: %d members, want 11: %+v", len(got), got)
		}
		if got[0].Resource != nil {
			t.Errorf("resource object sent without include_resource")
		}
		e.Server.ResetRequests()
		got = p.list("iam_account_member", map[string]tftypes.Value{"status": str("pending")}, false, 100)
		if len(got) != 1 || got[0].Identity["id"] != invited.ID {
			t.Fatalf("status = pending: %+v", got)
		}
		if q := listGETs(e.Server, "/members"); len(q) != 1 || !strings.Contains(q[0], "status=pending") {
			t.Errorf("status is not filtered by the API: %v", q)
		}
	})

	t.Run("limit", func(t *testing.T) {
		if got := p.list("iam_account_member", nil, false, 5); len(got) != 5 {
			t.Fatalf("limit 5: %d results", len(got))
		}
	})

	t.Run("groups", func(t *testing.T) {
		e.Server.ResetRequests()
		got := p.list("iam_user_group", nil, true, 1000)
		if len(got) != groups+1 {
			t.Fatalf("%d groups listed, want %d", len(got), groups+1)
		}
		if pages := listGETs(e.Server, "/user_groups"); len(pages) != 2 {
			t.Errorf("%d page reads, want 2", len(pages))
		}
		byName := map[string]listed{}
		for _, l := range got {
			byName[l.DisplayName] = l
		}
		if l := byName["team 54"]; l.Identity["id"] != groupIDs["team 54"] || l.Resource["name"] != "team 54" || l.Resource["policies"] != nil {
			t.Errorf("team 54: %+v", l)
		}
		if l := byName["auditors"]; l.Identity["id"] != withPolicy.ID || l.Resource["policies"] == nil {
			t.Errorf("auditors: %+v", l)
		}
		e.Server.ResetRequests()
		got = p.list("iam_user_group", map[string]tftypes.Value{"name_contains": str("TEAM 1")}, false, 100)
		if len(got) != 10 {
			t.Errorf("name_contains: %d groups, want 10", len(got))
		}
		if q := listGETs(e.Server, "/user_groups"); len(q) != 1 || !strings.Contains(q[0], "fuzzyName=TEAM+1") {
			t.Errorf("name_contains is not filtered by the API: %v", q)
		}
	})

	t.Run("memberships", func(t *testing.T) {
		e.Server.ResetRequests()
		got := p.list("iam_user_group_membership", map[string]tftypes.Value{"name_contains": str("team 0")}, true, 100)
		if len(got) != 10 {
			t.Fatalf("%d memberships, want 10", len(got))
		}
		for _, l := range got {
			name := strings.TrimPrefix(l.DisplayName, "members of ")
			want, _ := e.Server.GroupMemberIDs(e.AccountID, groupIDs[name])
			members, _ := l.Resource["members"].([]string)
			if l.Identity["user_group_id"] != groupIDs[name] || l.Resource["exclusive"] != true || !slices.Equal(members, sortedCopy(want)) {
				t.Errorf("%s: identity %v, resource %v, want members %v", l.DisplayName, l.Identity, l.Resource, want)
			}
		}
		if n := len(listGETs(e.Server, "/members")); n != 10 {
			t.Errorf("%d member reads with include_resource, want one per group (10)", n)
		}
		e.Server.ResetRequests()
		if got := p.list("iam_user_group_membership", nil, false, 1000); len(got) != groups+1 {
			t.Errorf("%d memberships without include_resource, want %d", len(got), groups+1)
		}
		if n := len(listGETs(e.Server, "/members")); n != 0 {
			t.Errorf("%d member reads without include_resource, want 0", n)
		}
	})
}

// TestProtocolListResourceFailedPage: a read that fails (the second page of members, the groups'
// page, a group's members) ends the listing with an error result, never with a shorter list that
// looks complete (the client checks a whole listing before the first result).
func TestProtocolListResourceFailedPage(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, emulator.Options{})
	ids, err := e.Server.SeedMembers(e.AccountID, 60, "fail")
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := e.Server.SeedGroup(e.AccountID, "g", ids[:3])
	if err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, e, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)})
	cases := []struct {
		typeName, path, query, want string
		before                      int // results before the error
	}{
		{"iam_account_member", "/members", "page=2", "Cannot list the members of account", 0},
		{"iam_user_group", "/user_groups", "", "Cannot list the user groups of account", 0},
		{"iam_user_group_membership", "/user_groups", "", "Cannot list the user groups of account", 0},
		{"iam_user_group_membership", "/g/members", "", "Cannot read the members of user group", 0},
	}
	for _, c := range cases {
		e.Server.InjectNext(1, emulator.FaultServerError, func(r *http.Request) bool {
			path := strings.Replace(r.URL.Path, "/"+groupID, "/g", 1)
			return strings.HasSuffix(path, c.path) && strings.Contains(r.URL.RawQuery, c.query)
		})
		got := p.list(c.typeName, nil, true, 1000)
		if len(got) != c.before+1 || !strings.Contains(got[c.before].Error, c.want) {
			t.Errorf("%s (%s failing): want %d results then an error %q, got %d: %+v", c.typeName, c.path, c.before, c.want, len(got), got[len(got)-1])
		}
	}
}

// TestProtocolListResourceRepeatedObject: an object the API lists twice is listed once, and a
// warning says the API did it.
func TestProtocolListResourceRepeatedObject(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, emulator.Options{})
	if _, err := e.Server.SeedMembers(e.AccountID, 12, "twice"); err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, e, nil)
	e.Server.SetLies(emulator.Lies{Kinds: []emulator.LieKind{emulator.LieDuplicate}, PathContains: "/members"})
	stream, err := p.srv.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: "iam_account_member", Config: ptr(p.value(p.schema.ListResourceSchemas["iam_account_member"], nil)), Limit: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	ids, warnings := map[string]bool{}, 0
	for r := range stream.Results {
		if msg := firstError(r.Diagnostics); msg != "" {
			t.Fatalf("error: %s", msg)
		}
		for _, d := range r.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning && strings.Contains(d.Summary, "Repeated") {
				warnings++
			}
		}
		if r.Identity != nil {
			id := p.decode(p.identity.IdentitySchemas["iam_account_member"].ValueType(), r.Identity.IdentityData)["id"].(string)
			if ids[id] {
				t.Errorf("member %s listed twice", id)
			}
			ids[id] = true
		}
	}
	if len(ids) != 12 || warnings != 1 {
		t.Errorf("%d members and %d warnings, want 12 and 1", len(ids), warnings)
	}
}

func ptr[T any](v T) *T { return &v }
