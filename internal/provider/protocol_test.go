package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protoProvider is the provider server as Terraform sees it, through its tfprotov6 RPCs, configured
// against a test emulator. It tests what needs a newer CLI than `make test` may have (list resources
// for `terraform query` and resource identity need Terraform 1.14 and 1.12), with any or no CLI.
type protoProvider struct {
	t        testing.TB
	srv      tfprotov6.ProviderServerWithListResource //nolint:staticcheck // terraform-plugin-go v0.31 has ListResource only on this interface
	schema   *tfprotov6.GetProviderSchemaResponse
	identity *tfprotov6.GetResourceIdentitySchemasResponse
}

// newProtoProvider configures the provider for e; settings override the provider block's attributes.
func newProtoProvider(t testing.TB, e *testEnv, settings map[string]tftypes.Value) *protoProvider {
	t.Helper()
	ctx := context.Background()
	srv, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	p := &protoProvider{t: t, srv: srv.(tfprotov6.ProviderServerWithListResource)} //nolint:staticcheck // as above
	if p.schema, err = p.srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	if p.identity, err = p.srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{}); err != nil {
		t.Fatal(err)
	}
	values := map[string]tftypes.Value{
		"base_url":            tftypes.NewValue(tftypes.String, e.URL),
		"api_token":           tftypes.NewValue(tftypes.String, testToken),
		"account_id":          tftypes.NewValue(tftypes.String, e.AccountID),
		"requests_per_second": tftypes.NewValue(tftypes.Number, 100),
	}
	for k, v := range settings {
		values[k] = v
	}
	cfg := p.value(p.schema.Provider, values)
	resp, err := p.srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.15.9", Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	p.noErrors("ConfigureProvider", resp.Diagnostics)
	return p
}

// value encodes values as an object of schema's type, every attribute left out being null.
func (p *protoProvider) value(schema *tfprotov6.Schema, values map[string]tftypes.Value) tfprotov6.DynamicValue {
	p.t.Helper()
	return p.object(schema.ValueType().(tftypes.Object), values)
}

func (p *protoProvider) object(typ tftypes.Object, values map[string]tftypes.Value) tfprotov6.DynamicValue {
	p.t.Helper()
	full := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		full[name] = tftypes.NewValue(at, nil)
		if v, ok := values[name]; ok {
			full[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, full))
	if err != nil {
		p.t.Fatal(err)
	}
	return dv
}

// identityValue encodes an identity of resource typeName.
func (p *protoProvider) identityValue(typeName string, values map[string]string) *tfprotov6.ResourceIdentityData {
	p.t.Helper()
	typ := p.identity.IdentitySchemas[typeName].ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for k, v := range values {
		vals[k] = tftypes.NewValue(tftypes.String, v)
	}
	dv := p.object(typ, vals)
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}
}

// decode turns a DynamicValue of typ into a map of its attributes' Go values (strings, bools,
// sorted string slices for sets of strings, nil for null).
func (p *protoProvider) decode(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]any {
	p.t.Helper()
	if dv == nil {
		p.t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		p.t.Fatal(err)
	}
	out := map[string]any{}
	for k, av := range attrs {
		out[k] = goValue(av)
	}
	return out
}

func goValue(v tftypes.Value) any {
	if v.IsNull() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case v.Type().Is(tftypes.Set{ElementType: tftypes.String}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := []string{}
		for _, e := range elems {
			var s string
			_ = e.As(&s)
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	default:
		return v.String()
	}
}

func (p *protoProvider) noErrors(what string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			p.t.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}

// firstError is the first error diagnostic as "summary: detail", or "".
func firstError(diags []*tfprotov6.Diagnostic) string {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Sprintf("%s: %s", d.Summary, d.Detail)
		}
	}
	return ""
}
