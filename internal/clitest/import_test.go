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

// TestCLIAdoptAllGroups runs the documented adopt-every-group example (import blocks with for_each
// keyed by group name, examples/data-sources/iam_user_groups) as written, over more than one page
// of groups with policies: one plan imports them all, the apply writes nothing, the next plan is empty.
func TestCLIAdoptAllGroups(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	ctx := context.Background()
	c := e.client(t)
	const groups = 55 // the API lists 50 groups per page at most
	for i := range groups {
		in := client.UserGroupCreate{Name: fmt.Sprintf("team %02d", i)} // names with spaces are fine as for_each keys
		if i%2 == 0 {
			in.Policies = []client.PolicyInput{{Access: "allow", PermissionGroupIDs: []string{e.Opts.PermissionGroupID}, ResourceGroupIDs: []string{e.Opts.ResourceGroupID}}}
		}
		if _, err := c.UserGroups.Create(ctx, e.Opts.AccountID, in); err != nil {
			t.Fatal(err)
		}
	}
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", "iam_user_groups", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WS.WriteConfig(ProviderBlock(e.Opts) + "\n" + string(example)); err != nil {
		t.Fatal(err)
	}
	plan := e.terraform(t, "plan")
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", groups); !strings.Contains(plan.Output, want) {
		t.Fatalf("plan does not say %q:\n%s", want, tail(plan.Output, 30))
	}
	e.Server.ResetRequests()
	e.terraform(t, "apply", "-auto-approve")
	if w := e.Server.CountWrites(); w != 0 {
		t.Fatalf("adopting the groups sent %d write requests, want 0", w)
	}
	e.expectEmptyPlan(t)
	if n := len(e.Server.Groups(e.Opts.AccountID)); n != groups {
		t.Fatalf("%d groups after adoption, want %d", n, groups)
	}
	state := e.terraform(t, "state", "list")
	if !strings.Contains(state.Output, `iam_user_group.adopted["team 54"]`) {
		t.Fatalf("state is not keyed by group name:\n%s", tail(state.Output, 5))
	}
}
