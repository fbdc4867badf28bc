package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// TestContractDecode serves each documented answer of testdata/contract (written from the seed
// pages and the official SDK's types, and matched field by field by the emulator's own contract
// test) and makes the client call that reads it: a success decodes into the client's types with
// its IDs, an error answer maps to the documented error kind.
func TestContractDecode(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "contract", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no contract fixtures under testdata/contract (%v)", err)
	}
	kinds := map[string]error{"ErrNotFound": client.ErrNotFound, "ErrValidation": client.ErrValidation, "ErrUnauthorized": client.ErrUnauthorized}
	for _, file := range files {
		var fx struct {
			Client    string          `json:"client"`
			ClientErr string          `json:"client_error"`
			Status    int             `json:"status"`
			Response  json.RawMessage `json:"response"`
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &fx); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(fx.Status)
				_, _ = w.Write(fx.Response)
			}))
			defer srv.Close()
			c, err := client.New(client.Config{BaseURL: srv.URL, APIToken: "t", MaxRetries: -1, RequestsPerSecond: 1000})
			if err != nil {
				t.Fatal(err)
			}
			id, err := contractCall(context.Background(), c, fx.Client)
			if fx.ClientErr != "" {
				if want := kinds[fx.ClientErr]; want == nil || !errors.Is(err, want) {
					t.Fatalf("%s: got %v, want %s", fx.Client, err, fx.ClientErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s cannot read the documented answer: %v", fx.Client, err)
			}
			if id == "" && !strings.HasSuffix(fx.Client, ".Delete") {
				t.Fatalf("%s decoded no ID from the documented answer", fx.Client)
			}
		})
	}
}

// contractCall makes the named client call and returns the ID of what it read ("" for deletes).
func contractCall(ctx context.Context, c *client.Client, call string) (string, error) {
	const acct, id = "0123456789abcdef0123456789abcdef", "00000000000000000000000000000001"
	first := func(ids []string, err error) (string, error) {
		if err != nil || len(ids) == 0 {
			return "", err
		}
		return ids[0], nil
	}
	switch call {
	case "Members.Create":
		m, err := c.Members.Create(ctx, acct, client.MemberCreate{Email: "new@example.com", Roles: []string{id}})
		return idOf(m, err, func(m *client.Member) string { return m.ID })
	case "Members.Get":
		m, err := c.Members.Get(ctx, acct, id)
		return idOf(m, err, func(m *client.Member) string { return m.ID })
	case "Members.Update":
		m, err := c.Members.Update(ctx, acct, id, client.MemberUpdate{Roles: []string{id}})
		return idOf(m, err, func(m *client.Member) string { return m.ID })
	case "Members.Delete":
		return "", c.Members.Delete(ctx, acct, id)
	case "Members.List":
		ms, err := client.Collect(c.Members.List(ctx, acct, client.MemberListOptions{}))
		return first(mapIDs(ms, func(m client.Member) string { return m.ID }), err)
	case "UserGroups.Create":
		g, err := c.UserGroups.Create(ctx, acct, client.UserGroupCreate{Name: "new-group"})
		return idOf(g, err, func(g *client.UserGroup) string { return g.ID })
	case "UserGroups.Get":
		g, err := c.UserGroups.Get(ctx, acct, id)
		return idOf(g, err, func(g *client.UserGroup) string { return g.ID })
	case "UserGroups.Update":
		name := "renamed"
		g, err := c.UserGroups.Update(ctx, acct, id, client.UserGroupUpdate{Name: &name})
		return idOf(g, err, func(g *client.UserGroup) string { return g.ID })
	case "UserGroups.Delete":
		return "", c.UserGroups.Delete(ctx, acct, id)
	case "UserGroups.List":
		gs, err := client.Collect(c.UserGroups.List(ctx, acct, client.UserGroupListOptions{}))
		return first(mapIDs(gs, func(g client.UserGroup) string { return g.ID }), err)
	case "GroupMembers.List":
		ms, err := c.GroupMembers.ListAll(ctx, acct, id)
		return first(mapIDs(ms, func(m client.GroupMember) string { return m.ID }), err)
	case "GroupMembers.Get":
		m, err := c.GroupMembers.Get(ctx, acct, id, id)
		return idOf(m, err, func(m *client.GroupMember) string { return m.ID })
	case "GroupMembers.Create":
		ms, err := c.GroupMembers.Create(ctx, acct, id, []string{id})
		return first(mapIDs(ms, func(m client.GroupMember) string { return m.ID }), err)
	case "GroupMembers.Update":
		ms, err := c.GroupMembers.Update(ctx, acct, id, []string{id})
		return first(mapIDs(ms, func(m client.GroupMember) string { return m.ID }), err)
	case "GroupMembers.Delete":
		return "", c.GroupMembers.Delete(ctx, acct, id, id)
	case "Roles.List":
		rs, err := client.Collect(c.Roles.List(ctx, acct))
		return first(mapIDs(rs, func(r client.Role) string { return r.ID }), err)
	case "Roles.Get":
		r, err := c.Roles.Get(ctx, acct, id)
		return idOf(r, err, func(r *client.Role) string { return r.ID })
	case "PermissionGroups.List":
		ps, err := client.Collect(c.PermissionGroups.List(ctx, acct))
		return first(mapIDs(ps, func(p client.PermissionGroup) string { return p.ID }), err)
	case "ResourceGroups.List":
		rs, err := client.Collect(c.ResourceGroups.List(ctx, acct))
		return first(mapIDs(rs, func(r client.ResourceGroup) string { return r.ID }), err)
	}
	return "", errors.New("the fixture names no known client call: " + call)
}

func idOf[T any](v *T, err error, id func(*T) string) (string, error) {
	if err != nil {
		return "", err
	}
	return id(v), nil
}

func mapIDs[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}
