package emulator_test

import (
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// Catalogue filters of the official SDK's list parameters: id and label on permission groups, id
// on resource groups (name on all three).
func TestCatalogFilters(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	pg := f.srv.PermissionGroupIDByName("DNS Read")
	rg := f.srv.ResourceGroupIDs(acct)[1]
	type entry struct {
		ID, Name string
		Meta     struct{ Label string }
	}
	for _, c := range []struct {
		query  string
		wantID string
	}{
		{"/iam/permission_groups?id=" + pg, pg},
		{"/iam/permission_groups?label=dns_read", pg},
		{"/iam/permission_groups?name=dns%20read", pg},
		{"/iam/resource_groups?id=" + rg, rg},
	} {
		var got []entry
		f.result("GET", "/accounts/"+acct+c.query, nil, &got)
		if len(got) != 1 || got[0].ID != c.wantID {
			t.Errorf("GET %s: %d rows %+v, want only %s", c.query, len(got), got, c.wantID)
		}
	}
	var none []entry
	f.result("GET", "/accounts/"+acct+"/iam/permission_groups?label=no_such_label", nil, &none)
	if len(none) != 0 {
		t.Errorf("unknown label: %d rows, want none", len(none))
	}
}

// direction sorts user groups by name and group members by email.
func TestDirection(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	ids, _ := f.srv.SeedMembers(acct, 3, "d") // d0@, d1@, d2@ in creation order
	var groupID string
	for _, name := range []string{"beta", "alpha", "gamma"} {
		id, err := f.srv.SeedGroup(acct, name, ids)
		if err != nil {
			t.Fatal(err)
		}
		groupID = id
	}
	names := func(query string) []string {
		var got []struct{ Name, Email string }
		f.result("GET", "/accounts/"+acct+query, nil, &got)
		var out []string
		for _, g := range got {
			out = append(out, g.Name+g.Email)
		}
		return out
	}
	for query, want := range map[string]string{
		"/iam/user_groups?direction=asc":                          "[alpha beta gamma]",
		"/iam/user_groups?direction=desc":                         "[gamma beta alpha]",
		"/iam/user_groups/" + groupID + "/members?direction=desc": "[d2@example.com d1@example.com d0@example.com]",
		"/iam/user_groups/" + groupID + "/members?direction=asc":  "[d0@example.com d1@example.com d2@example.com]",
	} {
		if got := names(query); fmtList(got) != want {
			t.Errorf("GET %s: %v, want %s", query, got, want)
		}
	}
	f.wantError(400, 1002, "GET", "/accounts/"+acct+"/iam/user_groups?direction=sideways", nil)
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

// A group update whose policies carry their id, copied from a GET (what SDK users do), is accepted;
// a create with policy ids is still refused (the create schema has none).
func TestGroupUpdateWithPolicyIDs(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	pg := f.srv.PermissionGroupIDByName("Zone Read")
	rg := f.srv.ResourceGroupIDs(acct)[0]
	policy := map[string]any{"access": "allow", "permission_groups": []map[string]any{{"id": pg}}, "resource_groups": []map[string]any{{"id": rg}}}
	var g struct {
		ID       string
		Policies []map[string]any
	}
	f.result("POST", "/accounts/"+acct+"/iam/user_groups", map[string]any{"name": "ops", "policies": []any{policy}}, &g)
	if len(g.Policies) != 1 {
		t.Fatalf("create: %+v", g)
	}
	// The GET's policies, unchanged (id, names, meta, scope included), sent back in an update.
	var got struct{ Policies []map[string]any }
	f.result("GET", "/accounts/"+acct+"/iam/user_groups/"+g.ID, nil, &got)
	f.result("PUT", "/accounts/"+acct+"/iam/user_groups/"+g.ID, map[string]any{"name": "ops", "policies": got.Policies}, nil)
	withID := map[string]any{"id": "0123456789abcdef0123456789abcdef", "access": "allow", "permission_groups": policy["permission_groups"], "resource_groups": policy["resource_groups"]}
	f.wantError(400, 1001, "POST", "/accounts/"+acct+"/iam/user_groups", map[string]any{"name": "ops2", "policies": []any{withID}})
}

// Roles carry permissions, resource groups their scope, and a policy's resource groups a scope
// with objects, as the official SDK's types describe them.
func TestCatalogShapes(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	var roles []struct {
		Permissions map[string]struct{ Read, Write *bool }
	}
	f.result("GET", "/accounts/"+acct+"/roles", nil, &roles)
	if len(roles) == 0 || len(roles[0].Permissions) != 12 || roles[0].Permissions["dns"].Read == nil {
		t.Fatalf("roles[0].permissions = %+v, want 12 areas with read and write", roles[0].Permissions)
	}
	var rgs []struct {
		Scope []struct {
			Key     string
			Objects []struct{ Key string }
		}
	}
	f.result("GET", "/accounts/"+acct+"/iam/resource_groups", nil, &rgs)
	if len(rgs) == 0 || len(rgs[0].Scope) != 1 || rgs[0].Scope[0].Key == "" || len(rgs[0].Scope[0].Objects) == 0 {
		t.Fatalf("resource group scope: %+v", rgs)
	}
	pg := f.srv.PermissionGroupIDByName("Zone Read")
	rg := f.srv.ResourceGroupIDs(acct)[1]
	var g struct {
		Policies []struct {
			ResourceGroups []struct {
				Scope struct {
					Key     string
					Objects []struct{ Key string }
				}
			} `json:"resource_groups"`
		}
	}
	f.result("POST", "/accounts/"+acct+"/iam/user_groups", map[string]any{"name": "ops", "policies": []any{map[string]any{
		"access": "allow", "permission_groups": []map[string]any{{"id": pg}}, "resource_groups": []map[string]any{{"id": rg}}}}}, &g)
	if s := g.Policies[0].ResourceGroups[0].Scope; s.Key == "" || len(s.Objects) != 2 {
		t.Fatalf("policy resource group scope: %+v", s)
	}
}
