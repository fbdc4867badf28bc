package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Sets of IDs (group members, roles, permission and resource group IDs) are, to Terraform, to
// users and in the docs, plain sets of strings. Their Go type differs from types.Set in three
// methods only, so that a refresh of a 1,000-member group costs one pass over a map instead of
// the framework's comparison of every element with every other element:
//
//   - Equal and SetSemanticEquals compare through a map (basetypes.SetValue.Equal looks each
//     element up in the other set by a linear scan). SetSemanticEquals answering "equal" makes
//     the framework keep the prior value and skip its element-by-element semantic equality walk,
//     which otherwise runs on every ReadResource and builds an attribute path and a log context per
//     pair of elements (hashicorp/terraform-plugin-framework#1314, #1322). When the sets differ the
//     framework still walks them, as it must: only drift pays that price.
//   - The type's Validate finds duplicate elements through a map; basetypes.SetType.Validate
//     compares every pair, on every State.Set.

// idSetType is the schema type of a set of IDs: a set of strings.
type idSetType struct{ basetypes.SetType }

var (
	_ basetypes.SetTypable                    = idSetType{}
	_ basetypes.SetValuableWithSemanticEquals = idSet{}

	// idSetOfStrings is the CustomType of every ID set attribute (ElementType stays types.StringType).
	idSetOfStrings = idSetType{basetypes.SetType{ElemType: types.StringType}}
)

func (t idSetType) Equal(o attr.Type) bool {
	other, ok := o.(idSetType)
	return ok && t.SetType.Equal(other.SetType)
}

func (t idSetType) String() string { return "provider.idSetType[" + fmt.Sprint(t.ElementType()) + "]" }

func (t idSetType) WithElementType(typ attr.Type) attr.TypeWithElementType {
	return idSetType{basetypes.SetType{ElemType: typ}}
}

func (t idSetType) ValueType(context.Context) attr.Value {
	return idSet{basetypes.NewSetNull(t.ElementType())}
}

func (t idSetType) ValueFromSet(_ context.Context, s basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return idSet{s}, nil
}

func (t idSetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.SetType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T for a set of IDs", v)
	}
	return idSet{s}, nil
}

// Validate reports duplicate elements as basetypes.SetType.Validate does, in one pass. String
// elements have no validation of their own.
func (t idSetType) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if in.Type() == nil {
		return diags
	}
	var elems []tftypes.Value
	if !in.Type().Is(tftypes.Set{}) {
		diags.AddAttributeError(p, "Set Type Validation Error", fmt.Sprintf(
			"An unexpected error was encountered trying to validate an attribute value. This is always an error in the provider. "+
				"Please report the following to the provider developer:\n\nexpected Set value, received %T with value: %v", in, in))
		return diags
	}
	if !in.IsKnown() || in.IsNull() {
		return diags
	}
	if err := in.As(&elems); err != nil {
		diags.AddAttributeError(p, "Set Type Validation Error",
			"An unexpected error was encountered trying to validate an attribute value. This is always an error in the provider. "+
				"Please report the following to the provider developer:\n\n"+err.Error())
		return diags
	}
	type key struct {
		null bool
		s    string
	}
	seen := make(map[key]struct{}, len(elems))
	for _, e := range elems {
		if !e.IsKnown() { // unknown elements are never duplicates
			continue
		}
		var k key
		if k.null = e.IsNull(); !k.null {
			if err := e.As(&k.s); err != nil {
				diags.AddAttributeError(p, "Set Type Validation Error",
					"An unexpected error was encountered trying to validate an attribute value. This is always an error in the provider. "+
						"Please report the following to the provider developer:\n\n"+err.Error())
				return diags
			}
		}
		if _, dup := seen[k]; dup {
			diags.AddAttributeError(p, "Duplicate Set Element", fmt.Sprintf("This attribute contains duplicate values of: %s", e))
			continue
		}
		seen[k] = struct{}{}
	}
	return diags
}

// idSet is the value of an idSetType attribute; every method not defined here is types.Set's.
type idSet struct{ basetypes.SetValue }

// idSetOf is the known set of ids (which must not repeat).
func idSetOf(ids []string) idSet {
	vals := make([]attr.Value, len(ids))
	for i, id := range ids {
		vals[i] = types.StringValue(id)
	}
	return idSet{types.SetValueMust(types.StringType, vals)}
}

// idSetNull is a null set of IDs.
func idSetNull() idSet { return idSet{types.SetNull(types.StringType)} }

func (v idSet) Type(ctx context.Context) attr.Type {
	return idSetType{basetypes.SetType{ElemType: v.ElementType(ctx)}}
}

func (v idSet) Equal(o attr.Value) bool {
	other, ok := o.(idSet)
	return ok && equalSets(v.SetValue, other.SetValue)
}

// SetSemanticEquals is plain equality: it lets the framework skip its element walk when a refresh
// returns what the state holds.
func (v idSet) SetSemanticEquals(_ context.Context, prior basetypes.SetValuable) (bool, diag.Diagnostics) {
	other, ok := prior.(idSet)
	return ok && equalSets(v.SetValue, other.SetValue), nil
}

// equalSets is basetypes.SetValue.Equal in one pass for sets of strings.
func equalSets(a, b basetypes.SetValue) bool {
	ctx := context.Background()
	ta, tb := a.ElementType(ctx), b.ElementType(ctx)
	if ta == nil || tb == nil || !ta.Equal(tb) || a.IsNull() != b.IsNull() || a.IsUnknown() != b.IsUnknown() {
		return false
	}
	if a.IsNull() || a.IsUnknown() {
		return true
	}
	ea, eb := a.Elements(), b.Elements()
	if len(ea) != len(eb) {
		return false
	}
	in := make(map[basetypes.StringValue]struct{}, len(ea))
	for _, e := range ea {
		s, ok := e.(basetypes.StringValue)
		if !ok {
			return a.Equal(b)
		}
		in[s] = struct{}{}
	}
	if len(in) != len(ea) { // duplicates (which Validate rejects): compare as the framework does
		return a.Equal(b)
	}
	for _, e := range eb {
		s, ok := e.(basetypes.StringValue)
		if !ok {
			return a.Equal(b)
		}
		if _, found := in[s]; !found {
			return false
		}
		delete(in, s) // each element of a matches one element of b
	}
	return true
}
