//go:build tf114

// Real-CLI tests that need Terraform 1.14+ (`terraform query`). Built only with the tf114 tag:
// `make test-tf114 TF=/path/to/terraform` runs them and fails with one line for an older CLI.

package clitest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func requireTerraform114(t *testing.T) {
	t.Helper()
	if err := RequireVersion(terraformPath, 1, 14); err != nil {
		t.Fatal(err)
	}
}

// TestCLIQueryGenerateConfig is the README's adoption recipe for Terraform 1.14+: the three list
// resource examples as written, `terraform query -generate-config-out`, then a plan that only
// imports (every member, group and membership, across several pages), an apply that writes
// nothing, and an empty plan.
func TestCLIQueryGenerateConfig(t *testing.T) {
	requireTerraform114(t)
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	ctx := context.Background()
	c := e.client(t)
	const members, groups = 60, 52 // more than one page of each (the API pages them by 50)
	ids, err := e.Server.SeedMembers(e.Opts.AccountID, members, "adopt")
	if err != nil {
		t.Fatal(err)
	}
	policy := []client.PolicyInput{{Access: "allow", PermissionGroupIDs: []string{e.Opts.PermissionGroupID}, ResourceGroupIDs: []string{e.Opts.ResourceGroupID}}}
	if _, err := c.Members.Create(ctx, e.Opts.AccountID, client.MemberCreate{Email: "Pending.Invite@example.com", Policies: policy, Status: "pending"}); err != nil {
		t.Fatal(err)
	}
	for i := range groups {
		in := client.UserGroupCreate{Name: fmt.Sprintf("team %02d", i)}
		if i%3 == 0 {
			in.Policies = policy
		}
		g, err := c.UserGroups.Create(ctx, e.Opts.AccountID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GroupMembers.Update(ctx, e.Opts.AccountID, g.ID, ids[:i%5]); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.WS.WriteConfig(ProviderBlock(e.Opts)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"iam_account_member", "iam_user_group", "iam_user_group_membership"} {
		example, err := os.ReadFile(filepath.Join("..", "..", "examples", "list-resources", name, "list-resource.tfquery.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.WS.Dir, name+".tfquery.hcl"), example, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	e.Server.ResetRequests()
	query := e.terraform(t, "query", "-no-color", "-generate-config-out=generated.tf")
	if w := e.Server.CountWrites(); w != 0 {
		t.Fatalf("terraform query sent %d write requests", w)
	}
	generated, err := os.ReadFile(filepath.Join(e.WS.Dir, "generated.tf"))
	if err != nil {
		t.Fatalf("no generated configuration: %v\n%s", err, tail(query.Output, 20))
	}
	objects := members + 1 + 2*groups
	if n := strings.Count(string(generated), "\nimport {"); n != objects {
		t.Fatalf("generated configuration has %d import blocks, want %d", n, objects)
	}
	if n := strings.Count(string(generated), "identity = {"); n != objects {
		t.Fatalf("generated configuration has %d identities, want %d", n, objects)
	}

	plan := e.terraform(t, "plan")
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", objects); !strings.Contains(plan.Output, want) {
		t.Fatalf("plan does not say %q:\n%s", want, tail(plan.Output, 40))
	}
	e.Server.ResetRequests()
	e.terraform(t, "apply", "-auto-approve")
	if w := e.Server.CountWrites(); w != 0 {
		t.Fatalf("adopting everything sent %d write requests, want 0", w)
	}
	e.expectEmptyPlan(t)
}
