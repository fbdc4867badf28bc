package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// setStateIfChanged writes refreshed into state unless it equals prior, the model state was read
// into. A refresh that finds what the state holds is the common case (every resource of every
// plan without drift), and the framework's State.Set converts, checks and rewrites the whole
// value; the response's state already is the prior state, so skipping the write changes nothing.
func setStateIfChanged[M any](ctx context.Context, state *tfsdk.State, prior, refreshed *M, diags *diag.Diagnostics) {
	if sameModel(prior, refreshed) {
		return
	}
	diags.Append(state.Set(ctx, refreshed)...)
}

// sameModel reports whether two models (structs of attr.Value fields) hold equal values. A field
// of any other type makes it answer false, so a model it cannot compare is always written.
func sameModel[M any](a, b *M) bool {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	if va.Kind() != reflect.Struct {
		return false
	}
	for i := range va.NumField() {
		x, ok := va.Field(i).Interface().(attr.Value)
		if !ok {
			return false
		}
		y, ok := vb.Field(i).Interface().(attr.Value)
		if !ok || !x.Equal(y) {
			return false
		}
	}
	return true
}
