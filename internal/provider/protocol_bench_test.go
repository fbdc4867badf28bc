package provider

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// protocolBench is one provider served through its protocol server (what terraform talks to over
// gRPC) and configured against an in-process emulator: the benchmarks below measure the provider's
// and the framework's CPU and allocations per request, so a regression shows without the CLI.
type protocolBench struct {
	env     *testEnv
	server  tfprotov6.ProviderServer
	schemas map[string]tftypes.Type // resource type name -> state type
}

func newProtocolBench(b testing.TB) *protocolBench {
	b.Helper()
	ctx := context.Background()
	env := newTestEnv(b, emulator.Options{})
	server, err := NewServer("bench")()
	if err != nil {
		b.Fatal(err)
	}
	sch, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || diagsHaveError(sch.Diagnostics) {
		b.Fatalf("GetProviderSchema: %v %v", err, sch.Diagnostics)
	}
	pb := &protocolBench{env: env, server: server, schemas: map[string]tftypes.Type{}}
	for name, s := range sch.ResourceSchemas {
		pb.schemas[name] = s.ValueType()
	}
	cfgType := sch.Provider.ValueType().(tftypes.Object)
	cfg := map[string]tftypes.Value{}
	for name, typ := range cfgType.AttributeTypes {
		cfg[name] = tftypes.NewValue(typ, nil)
	}
	cfg["base_url"] = tftypes.NewValue(tftypes.String, env.URL)
	cfg["api_token"] = tftypes.NewValue(tftypes.String, testToken)
	cfg["account_id"] = tftypes.NewValue(tftypes.String, env.AccountID)
	cfg["requests_per_second"] = tftypes.NewValue(tftypes.Number, big.NewFloat(1000))
	conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.15.9",
		Config:           pb.dynamic(b, cfgType, tftypes.NewValue(cfgType, cfg)),
	})
	if err != nil || diagsHaveError(conf.Diagnostics) {
		b.Fatalf("ConfigureProvider: %v %v", err, conf.Diagnostics)
	}
	return pb
}

func diagsHaveError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func (pb *protocolBench) dynamic(b testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// imported is the state terraform holds after importing resource typeName with id: the ReadResource
// of a state that has only id, account_id and the given attributes.
func (pb *protocolBench) imported(b testing.TB, typeName, id string, extra map[string]tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	typ := pb.schemas[typeName].(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, id)
	attrs["account_id"] = tftypes.NewValue(tftypes.String, pb.env.AccountID)
	for k, v := range extra {
		attrs[k] = v
	}
	resp := pb.read(b, typeName, pb.dynamic(b, typ, tftypes.NewValue(typ, attrs)))
	return resp.NewState
}

func (pb *protocolBench) read(b testing.TB, typeName string, state *tfprotov6.DynamicValue) *tfprotov6.ReadResourceResponse {
	resp, err := pb.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: state})
	if err != nil || diagsHaveError(resp.Diagnostics) {
		b.Fatalf("ReadResource %s: %v %v", typeName, err, resp.Diagnostics)
	}
	return resp
}

// configOf is the configuration that produced state: state with the given attributes null (the
// computed ones and those left to their defaults).
func (pb *protocolBench) configOf(b testing.TB, typeName string, state *tfprotov6.DynamicValue, null ...string) *tfprotov6.DynamicValue {
	b.Helper()
	typ := pb.schemas[typeName].(tftypes.Object)
	v, err := state.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	attrs := map[string]tftypes.Value{}
	if err := v.As(&attrs); err != nil {
		b.Fatal(err)
	}
	for _, name := range null {
		attrs[name] = tftypes.NewValue(typ.AttributeTypes[name], nil)
	}
	return pb.dynamic(b, typ, tftypes.NewValue(typ, attrs))
}

// runReadAndPlan benchmarks the two calls a no-change `terraform plan` makes per resource: a
// refresh (ReadResource) of state, then PlanResourceChange of config against the refreshed state.
func (pb *protocolBench) runReadAndPlan(b *testing.B, typeName string, state, config *tfprotov6.DynamicValue) {
	ctx := context.Background()
	b.Run("ReadResource", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pb.read(b, typeName, state)
		}
	})
	b.Run("PlanResourceChange", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, err := pb.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
				TypeName: typeName, PriorState: state, ProposedNewState: state, Config: config,
			})
			if err != nil || diagsHaveError(resp.Diagnostics) {
				b.Fatalf("PlanResourceChange: %v %v", err, resp.Diagnostics)
			}
			if len(resp.RequiresReplace) != 0 {
				b.Fatalf("PlanResourceChange: a no-change plan requires replacement of %v", resp.RequiresReplace)
			}
		}
	})
}

// membershipFixture is a group of n members in the emulator and the state and configuration of
// the iam_user_group_membership that manages it.
func membershipFixture(tb testing.TB, n int) (pb *protocolBench, state, config *tfprotov6.DynamicValue) {
	tb.Helper()
	pb = newProtocolBench(tb)
	ids, err := pb.env.Server.SeedMembers(pb.env.AccountID, n, "bench")
	if err != nil {
		tb.Fatal(err)
	}
	groupID, err := pb.env.Server.SeedGroup(pb.env.AccountID, "bench", ids)
	if err != nil {
		tb.Fatal(err)
	}
	state = pb.imported(tb, membershipType, groupID, map[string]tftypes.Value{"exclusive": tftypes.NewValue(tftypes.Bool, true)})
	return pb, state, pb.configOf(tb, membershipType, state, "id", "account_id", "exclusive", "members_to_remove")
}

const membershipType = "iam_user_group_membership"

// BenchmarkProtocolMembership refreshes and plans, without changes, a membership of 1,000 members.
func BenchmarkProtocolMembership(b *testing.B) {
	pb, state, config := membershipFixture(b, 1000)
	pb.runReadAndPlan(b, membershipType, state, config)
}

// BenchmarkProtocolMember refreshes and plans, without changes, one account member.
func BenchmarkProtocolMember(b *testing.B) {
	pb := newProtocolBench(b)
	ids, err := pb.env.Server.SeedMembers(pb.env.AccountID, 1, "bench")
	if err != nil {
		b.Fatal(err)
	}
	const typeName = "iam_account_member"
	state := pb.imported(b, typeName, ids[0], nil)
	pb.runReadAndPlan(b, typeName, state, pb.configOf(b, typeName, state, "id", "account_id", "user", "status"))
}

const accountMembersType = "iam_account_members"

// accountMembersFixture is an account of n members and the state and configuration of the
// iam_account_members that manages all of them.
func accountMembersFixture(tb testing.TB, n int) (pb *protocolBench, state, config *tfprotov6.DynamicValue) {
	tb.Helper()
	pb = newProtocolBench(tb)
	ids, err := pb.env.Server.SeedMembers(pb.env.AccountID, n, "bench")
	if err != nil {
		tb.Fatal(err)
	}
	typ := pb.schemas[accountMembersType].(tftypes.Object)
	mapType := typ.AttributeTypes["members"].(tftypes.Map)
	elemType := mapType.ElementType.(tftypes.Object)
	role := pb.env.Server.RoleIDByName("Administrator")
	members := func(withIDs bool) tftypes.Value {
		elems := map[string]tftypes.Value{}
		for i, id := range ids {
			attrs := map[string]tftypes.Value{}
			for name, t := range elemType.AttributeTypes {
				attrs[name] = tftypes.NewValue(t, nil)
			}
			attrs["roles"] = tftypes.NewValue(elemType.AttributeTypes["roles"], []tftypes.Value{tftypes.NewValue(tftypes.String, role)})
			if withIDs {
				attrs["id"] = tftypes.NewValue(tftypes.String, id)
				attrs["status"] = tftypes.NewValue(tftypes.String, "accepted")
			}
			elems[fmt.Sprintf("bench%d@example.com", i)] = tftypes.NewValue(elemType, attrs)
		}
		return tftypes.NewValue(mapType, elems)
	}
	state = pb.imported(tb, accountMembersType, pb.env.AccountID, map[string]tftypes.Value{
		"exclusive": tftypes.NewValue(tftypes.Bool, true), "members": members(true)})
	v, err := state.Unmarshal(typ)
	if err != nil {
		tb.Fatal(err)
	}
	attrs := map[string]tftypes.Value{}
	if err := v.As(&attrs); err != nil {
		tb.Fatal(err)
	}
	for _, name := range []string{"id", "account_id", "members_to_remove"} {
		attrs[name] = tftypes.NewValue(typ.AttributeTypes[name], nil)
	}
	attrs["members"] = members(false)
	return pb, state, pb.dynamic(tb, typ, tftypes.NewValue(typ, attrs))
}

// BenchmarkProtocolAccountMembers refreshes and plans, without changes, one iam_account_members of
// 1,000 and of 2,000 members: a map of objects, whose handling is one pass over the keys, so the
// time and allocations per call double (not quadruple) from 1,000 to 2,000.
func BenchmarkProtocolAccountMembers(b *testing.B) {
	for _, n := range []int{1000, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			pb, state, config := accountMembersFixture(b, n)
			pb.runReadAndPlan(b, accountMembersType, state, config)
		})
	}
}
