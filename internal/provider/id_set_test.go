package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The ID set type must answer exactly what types.Set answers, only faster: to Terraform it is the
// same set of strings.
func TestIDSetIsASetOfStrings(t *testing.T) {
	ctx := context.Background()
	if got, want := idSetOfStrings.TerraformType(ctx), (tftypes.Set{ElementType: tftypes.String}); !got.Equal(want) {
		t.Errorf("TerraformType = %s, want %s", got, want)
	}
	v, err := idSetOfStrings.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
		[]tftypes.Value{tftypes.NewValue(tftypes.String, "a")}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.(idSet); !ok || !v.Type(ctx).Equal(idSetOfStrings) {
		t.Errorf("ValueFromTerraform = %T of type %s, want an idSet of idSetOfStrings", v, v.Type(ctx))
	}
	if idSetOfStrings.Equal(types.SetType{ElemType: types.StringType}) || idSetOf(nil).Equal(types.SetValueMust(types.StringType, nil)) {
		t.Error("an ID set must not equal a plain types.Set (the framework would mix the two types)")
	}
}

func TestIDSetEqualMatchesSetEqual(t *testing.T) {
	str := func(ss ...string) []attr.Value {
		out := []attr.Value{}
		for _, s := range ss {
			out = append(out, types.StringValue(s))
		}
		return out
	}
	known := func(elems []attr.Value) basetypes.SetValue { return types.SetValueMust(types.StringType, elems) }
	sets := map[string]basetypes.SetValue{
		"null":          types.SetNull(types.StringType),
		"unknown":       types.SetUnknown(types.StringType),
		"empty":         known(str()),
		"a":             known(str("a")),
		"a,b":           known(str("a", "b")),
		"b,a":           known(str("b", "a")),
		"a,c":           known(str("a", "c")),
		"a,b,c":         known(str("a", "b", "c")),
		"a,a":           known(str("a", "a")),
		"a,unknown":     known([]attr.Value{types.StringValue("a"), types.StringUnknown()}),
		"unknown,a":     known([]attr.Value{types.StringUnknown(), types.StringValue("a")}),
		"a,null":        known([]attr.Value{types.StringValue("a"), types.StringNull()}),
		"other element": types.SetValueMust(types.BoolType, []attr.Value{types.BoolValue(true)}),
	}
	ctx := context.Background()
	for na, a := range sets {
		for nb, b := range sets {
			want := a.Equal(b)
			if got := (idSet{a}).Equal(idSet{b}); got != want {
				t.Errorf("idSet{%s}.Equal(idSet{%s}) = %v, types.Set says %v", na, nb, got, want)
			}
			if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
				continue // the framework asks for semantic equality of known values only
			}
			if got, diags := (idSet{a}).SetSemanticEquals(ctx, idSet{b}); got != want || diags.HasError() {
				t.Errorf("idSet{%s}.SetSemanticEquals(idSet{%s}) = %v %v, want %v", na, nb, got, diags, want)
			}
		}
	}
}

func TestIDSetValidateMatchesSetValidate(t *testing.T) {
	typ := tftypes.Set{ElementType: tftypes.String}
	s := func(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	inputs := map[string]tftypes.Value{
		"null":            tftypes.NewValue(typ, nil),
		"unknown":         tftypes.NewValue(typ, tftypes.UnknownValue),
		"empty":           tftypes.NewValue(typ, []tftypes.Value{}),
		"distinct":        tftypes.NewValue(typ, []tftypes.Value{s("a"), s("b"), s("c")}),
		"duplicate":       tftypes.NewValue(typ, []tftypes.Value{s("a"), s("b"), s("a")}),
		"three times":     tftypes.NewValue(typ, []tftypes.Value{s("a"), s("a"), s("a")}),
		"two nulls":       tftypes.NewValue(typ, []tftypes.Value{s(nil), s("a"), s(nil)}),
		"two unknowns":    tftypes.NewValue(typ, []tftypes.Value{s(tftypes.UnknownValue), s(tftypes.UnknownValue)}),
		"empty and a":     tftypes.NewValue(typ, []tftypes.Value{s(""), s("a")}),
		"not a set":       tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{s("a")}),
		"two duplicates":  tftypes.NewValue(typ, []tftypes.Value{s("a"), s("b"), s("a"), s("b")}),
		"null and string": tftypes.NewValue(typ, []tftypes.Value{s(nil), s("")}),
	}
	ctx := context.Background()
	p := path.Root("members")
	plain := basetypes.SetType{ElemType: types.StringType}
	for name, in := range inputs {
		got, want := idSetOfStrings.Validate(ctx, in, p), plain.Validate(ctx, in, p)
		if fmt.Sprint(got.Errors()) != fmt.Sprint(want.Errors()) {
			// basetypes reports an element once per later duplicate; so do we.
			t.Errorf("%s: Validate = %v, types.Set says %v", name, got, want)
		}
	}
}

// allocations counts what one ReadResource and one PlanResourceChange of a resource without changes
// allocate, through the provider's protocol server. testing.AllocsPerRun counts every allocation of
// the process, so goroutines left running by other tests (servers, idle connections) can only add to
// a measurement: the least of a few runs is the one that counts.
func allocations(t *testing.T, pb *protocolBench, typeName string, state, config *tfprotov6.DynamicValue) (read, plan float64) {
	t.Helper()
	ctx := context.Background()
	read = leastAllocs(func() { pb.read(t, typeName, state) })
	plan = leastAllocs(func() {
		resp, err := pb.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: typeName, PriorState: state, ProposedNewState: state, Config: config,
		})
		if err != nil || diagsHaveError(resp.Diagnostics) {
			t.Fatalf("PlanResourceChange: %v %v", err, resp.Diagnostics)
		}
	})
	return read, plan
}

// leastAllocs is the smallest allocation count of ten runs of f: AllocsPerRun counts the whole
// process, and goroutines that earlier acceptance tests left behind can allocate during any one run.
func leastAllocs(f func()) float64 {
	least := testing.AllocsPerRun(1, f)
	for range 9 {
		least = min(least, testing.AllocsPerRun(1, f))
	}
	return least
}

// A refresh of a 1,000-member group that finds no change used to cost about 26 million
// allocations (the framework's pairwise semantic equality walk and duplicate check), its plan 12
// million (4 million with a whole-plan comparison of tftypes values in ModifyPlan); now about 2
// million each, nearly all of them in terraform-plugin-go's own set comparison
// (tftypes.Value.Equal), which the framework runs on every ReadResource and PlanResourceChange.
func TestRefreshAndPlanOfLargeMembershipAllocations(t *testing.T) {
	pb, state, config := membershipFixture(t, 1000)
	read, plan := allocations(t, pb, membershipType, state, config)
	t.Logf("1,000 members: ReadResource %.0f allocations, PlanResourceChange %.0f", read, plan)
	if read > 3e6 {
		t.Errorf("ReadResource of a 1,000-member membership: %.0f allocations, want under 3 million", read)
	}
	if plan > 3e6 {
		t.Errorf("PlanResourceChange of a 1,000-member membership: %.0f allocations, want under 3 million", plan)
	}
}

// A member's refresh that finds what the state holds writes nothing (State.Set rewrites and checks
// the whole value), and its plan reads only the attributes its checks need, and skips the ID checks
// of roles and policies the plan holds as the state does: 3,177 and 5,655 allocations before,
// about 2,400 and 4,600 now (4,850 before that skip; a refresh answered from the account listing,
// without HTTP, as for every member after the first few). Every member of a large account pays this on
// every plan.
func TestRefreshAndPlanOfMemberAllocations(t *testing.T) {
	pb := newProtocolBench(t)
	ids, err := pb.env.Server.SeedMembers(pb.env.AccountID, 1, "alloc")
	if err != nil {
		t.Fatal(err)
	}
	const typeName = "iam_account_member"
	state := pb.imported(t, typeName, ids[0], nil)
	for range directReadsBeforeListing { // as in a plan of many members: refreshes answered from the listing
		pb.read(t, typeName, state)
	}
	read, plan := allocations(t, pb, typeName, state, pb.configOf(t, typeName, state, "id", "account_id", "user", "status"))
	t.Logf("member: ReadResource %.0f allocations, PlanResourceChange %.0f", read, plan)
	if read > 2800 {
		t.Errorf("ReadResource of an unchanged member: %.0f allocations, want under 2,800", read)
	}
	if plan > 4850 {
		t.Errorf("PlanResourceChange of an unchanged member: %.0f allocations, want under 4,850", plan)
	}
}
