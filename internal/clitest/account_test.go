package clitest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// checkAccount compares the emulator's account with what configuration s with opts declares:
// every member once, every group once with its name, every membership with exactly its members.
// Faults must be off while it reads.
func (e *cliEnv) checkAccount(t testing.TB, s Size, opts ConfigOptions) error {
	t.Helper()
	ctx := context.Background()
	c := e.client(t)
	members, err := client.Collect(c.Members.List(ctx, opts.AccountID, client.MemberListOptions{}))
	if err != nil {
		return err
	}
	idByEmail := map[string]string{}
	for _, m := range members {
		if _, dup := idByEmail[m.Email]; dup {
			return fmt.Errorf("duplicate member %s", m.Email)
		}
		idByEmail[m.Email] = m.ID
	}
	if len(members) != s.Members {
		return fmt.Errorf("%d members, want %d", len(members), s.Members)
	}
	groups, err := client.Collect(c.UserGroups.List(ctx, opts.AccountID, client.UserGroupListOptions{}))
	if err != nil {
		return err
	}
	groupByName := map[string]string{}
	for _, g := range groups {
		if _, dup := groupByName[g.Name]; dup {
			return fmt.Errorf("duplicate group %s", g.Name)
		}
		groupByName[g.Name] = g.ID
	}
	if len(groups) != s.Groups {
		return fmt.Errorf("%d groups, want %d", len(groups), s.Groups)
	}
	for g := range s.Groups {
		spec := s.Group(g, opts)
		name := spec.Name
		id, ok := groupByName[name]
		if !ok {
			return fmt.Errorf("group %s missing", name)
		}
		var want []string
		for _, i := range spec.Members {
			want = append(want, idByEmail[MemberEmail(i)])
		}
		gm, err := c.GroupMembers.ListAll(ctx, opts.AccountID, id)
		if err != nil {
			return err
		}
		got := make([]string, 0, len(gm))
		for _, m := range gm {
			got = append(got, m.ID)
		}
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("group %s has %d members, want %d", name, len(got), len(want))
		}
	}
	return nil
}

// checkEmpty fails unless the account has no members and no groups.
func (e *cliEnv) checkEmpty(opts ConfigOptions) error {
	if n, g := len(e.Server.MemberIDs(opts.AccountID)), len(e.Server.Groups(opts.AccountID)); n+g != 0 {
		return fmt.Errorf("after destroy: %d members and %d groups left", n, g)
	}
	return nil
}
