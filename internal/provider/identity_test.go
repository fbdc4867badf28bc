package provider

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// TestProtocolImportByIdentity imports each resource through the ImportResourceState RPC with an
// identity instead of an ID, as an `import { identity = {...} }` block does (Terraform 1.12+), with
// and without the account, and reads it back: the identity is set on import and on every read,
// also for a state written before the provider had identities.
func TestProtocolImportByIdentity(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, emulator.Options{})
	ctx := context.Background()
	memberIDs, err := e.Server.SeedMembers(e.AccountID, 2, "ident")
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := e.Server.SeedGroup(e.AccountID, "identity group", memberIDs)
	if err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, e, nil)
	cases := []struct {
		typeName, key, id string
		check             func(t *testing.T, state map[string]any)
	}{
		{"iam_account_member", "id", memberIDs[0], func(t *testing.T, s map[string]any) {
			if s["email"] != "ident0@example.com" {
				t.Errorf("email = %v", s["email"])
			}
		}},
		{"iam_user_group", "id", groupID, func(t *testing.T, s map[string]any) {
			if s["name"] != "identity group" {
				t.Errorf("name = %v", s["name"])
			}
		}},
		{"iam_user_group_membership", "user_group_id", groupID, func(t *testing.T, s map[string]any) {
			if !reflect.DeepEqual(s["members"], sortedCopy(memberIDs)) || s["exclusive"] != true || s["user_group_id"] != groupID {
				t.Errorf("members = %v, exclusive = %v, user_group_id = %v", s["members"], s["exclusive"], s["user_group_id"])
			}
		}},
	}
	for _, c := range cases {
		for _, identity := range []map[string]string{{c.key: c.id}, {"account_id": e.AccountID, c.key: c.id}} {
			t.Run(c.typeName+"/"+strings.Join(sortedKeys(identity), ","), func(t *testing.T) {
				stateType := p.schema.ResourceSchemas[c.typeName].ValueType()
				identityType := p.identity.IdentitySchemas[c.typeName].ValueType()
				want := map[string]any{"account_id": e.AccountID, c.key: c.id}

				imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: c.typeName, Identity: p.identityValue(c.typeName, identity)})
				if err != nil {
					t.Fatal(err)
				}
				p.noErrors("ImportResourceState", imp.Diagnostics)
				if len(imp.ImportedResources) != 1 {
					t.Fatalf("%d imported resources", len(imp.ImportedResources))
				}
				got := imp.ImportedResources[0]
				if ident := p.decode(identityType, got.Identity.IdentityData); !reflect.DeepEqual(ident, want) {
					t.Fatalf("identity after import = %v, want %v", ident, want)
				}
				if s := p.decode(stateType, got.State); s["id"] != c.id || s["account_id"] != e.AccountID {
					t.Fatalf("state after import: id = %v, account_id = %v", s["id"], s["account_id"])
				}

				// The read that follows the import, and a read of a state that has no identity yet.
				for _, current := range []*tfprotov6.ResourceIdentityData{got.Identity, nil} {
					read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: c.typeName, CurrentState: got.State, CurrentIdentity: current})
					if err != nil {
						t.Fatal(err)
					}
					p.noErrors("ReadResource", read.Diagnostics)
					if read.NewIdentity == nil {
						t.Fatal("ReadResource returned no identity")
					}
					if ident := p.decode(identityType, read.NewIdentity.IdentityData); !reflect.DeepEqual(ident, want) {
						t.Fatalf("identity after read = %v, want %v", ident, want)
					}
					c.check(t, p.decode(stateType, read.NewState))
				}
			})
		}
	}
}

// TestProtocolReadGoneWithoutIdentity: reading an object deleted outside Terraform drops it from
// state without an error, also when no identity was stored yet (Terraform before 1.12 and OpenTofu
// never store one; the framework refuses a read that returns no identity, even for a removal).
func TestProtocolReadGoneWithoutIdentity(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, emulator.Options{})
	ctx := context.Background()
	memberIDs, err := e.Server.SeedMembers(e.AccountID, 1, "gone")
	if err != nil {
		t.Fatal(err)
	}
	groupID, err := e.Server.SeedGroup(e.AccountID, "gone", memberIDs)
	if err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, e, nil)
	states := map[string]tfprotov6.DynamicValue{}
	for typeName, id := range map[string]string{"iam_account_member": memberIDs[0], "iam_user_group": groupID, "iam_user_group_membership": groupID} {
		imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		p.noErrors("ImportResourceState", imp.Diagnostics)
		states[typeName] = *imp.ImportedResources[0].State
	}
	c := e.Client(t)
	if err := c.UserGroups.Delete(ctx, e.AccountID, groupID); err != nil {
		t.Fatal(err)
	}
	if err := c.Members.Delete(ctx, e.AccountID, memberIDs[0]); err != nil {
		t.Fatal(err)
	}
	for typeName, state := range states {
		read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: &state})
		if err != nil {
			t.Fatal(err)
		}
		p.noErrors(typeName+" ReadResource", read.Diagnostics)
		v, err := read.NewState.Unmarshal(p.schema.ResourceSchemas[typeName].ValueType())
		if err != nil || !v.IsNull() {
			t.Errorf("%s: state after reading a deleted object is %v (%v), want null", typeName, v, err)
		}
	}
}

// TestProtocolImportByIdentityRejects bad identities with a diagnostic that names what is wrong,
// before any request: an identity names an object by ID, never by name or email.
func TestProtocolImportByIdentityRejects(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, emulator.Options{})
	p := newProtoProvider(t, e, nil)
	cases := []struct {
		typeName string
		identity map[string]string
		want     string
	}{
		{"iam_user_group", map[string]string{"id": "sre"}, `identity's id must be an ID of 32 lowercase hexadecimal characters; got "sre"`},
		{"iam_account_member", map[string]string{"id": "jane@example.com"}, `identity's id must be an ID`},
		{"iam_user_group_membership", map[string]string{"user_group_id": "0123"}, `identity's user_group_id must be an ID`},
		{"iam_user_group", map[string]string{"account_id": "acme", "id": "0123456789abcdef0123456789abcdef"}, `identity has account_id "acme"`},
		{"iam_user_group", map[string]string{"account_id": e.AccountID}, "identity has no `id`"},
	}
	for _, c := range cases {
		e.Server.ResetRequests()
		resp, err := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: c.typeName, Identity: p.identityValue(c.typeName, c.identity)})
		if err != nil {
			t.Fatal(err)
		}
		if msg := firstError(resp.Diagnostics); !strings.Contains(msg, c.want) {
			t.Errorf("%s %v: error %q, want it to contain %q", c.typeName, c.identity, msg, c.want)
		}
		if n := len(e.Server.Requests()); n != 0 {
			t.Errorf("%s %v: %d requests, want 0", c.typeName, c.identity, n)
		}
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func sortedCopy(s []string) []string { return slices.Sorted(slices.Values(s)) }
