package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// Policies are sets of objects without the server's policy IDs: the API issues new IDs on every
// write, so keeping them out of the schema keeps them out of every diff.
var policyAttrTypes = map[string]attr.Type{
	"access":            types.StringType,
	"permission_groups": idSetOfStrings,
	"resource_groups":   idSetOfStrings,
}

type policyModel struct {
	Access           types.String `tfsdk:"access"`
	PermissionGroups idSet        `tfsdk:"permission_groups"`
	ResourceGroups   idSet        `tfsdk:"resource_groups"`
}

func policiesSchema(whose string) schema.SetNestedAttribute {
	return schema.SetNestedAttribute{
		MarkdownDescription: "Policies that grant " + whose + " access: each allows or denies a set of permission groups " +
			"on a set of resource groups. A set: order never matters. An absent or empty set means no policies.",
		Optional: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"access": schema.StringAttribute{
				MarkdownDescription: "`allow` or `deny`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf("allow", "deny")},
			},
			"permission_groups": schema.SetAttribute{
				MarkdownDescription: "IDs of permission groups (look them up with the `iam_permission_groups` data source).",
				Required:            true,
				ElementType:         types.StringType,
				CustomType:          idSetOfStrings,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(hexIDValidator("a permission group ID"))},
			},
			"resource_groups": schema.SetAttribute{
				MarkdownDescription: "IDs of resource groups the permissions apply to.",
				Required:            true,
				ElementType:         types.StringType,
				CustomType:          idSetOfStrings,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(hexIDValidator("a resource group ID"))},
			},
		}},
	}
}

// memberPoliciesSchema is policiesSchema for a member, who must hold at least one policy when the
// attribute is set: `policies = []` would otherwise pass the "exactly one of roles and policies"
// check and fail at apply (the API requires roles or policies).
func memberPoliciesSchema() schema.SetNestedAttribute {
	s := policiesSchema("the member")
	s.MarkdownDescription = "Policies that grant the member access: each allows or denies a set of permission groups " +
		"on a set of resource groups. A set: order never matters. Exactly one of `roles` and `policies`; when set, at least one policy."
	s.Validators = []validator.Set{setvalidator.SizeAtLeast(1)}
	return s
}

// policiesToInput converts the planned set into request bodies.
func policiesToInput(ctx context.Context, set types.Set, diags *diag.Diagnostics) []client.PolicyInput {
	out := []client.PolicyInput{}
	if set.IsNull() || set.IsUnknown() {
		return out
	}
	var models []policyModel
	diags.Append(set.ElementsAs(ctx, &models, false)...)
	for _, m := range models {
		in := client.PolicyInput{Access: m.Access.ValueString()}
		diags.Append(m.PermissionGroups.ElementsAs(ctx, &in.PermissionGroupIDs, false)...)
		diags.Append(m.ResourceGroups.ElementsAs(ctx, &in.ResourceGroupIDs, false)...)
		out = append(out, in)
	}
	return out
}

// policiesFromAPI converts the API's policies into the state's set. An empty answer keeps the
// prior shape (null or empty set), so the API's `[]` never shows a diff against an absent block.
func policiesFromAPI(prior types.Set, policies []client.Policy) types.Set {
	objType := types.ObjectType{AttrTypes: policyAttrTypes}
	if len(policies) == 0 {
		if prior.IsNull() || prior.IsUnknown() {
			return types.SetNull(objType)
		}
		return types.SetValueMust(objType, []attr.Value{})
	}
	elems := make([]attr.Value, 0, len(policies))
	for _, p := range policies {
		pgs := make([]string, 0, len(p.PermissionGroups))
		for _, pg := range p.PermissionGroups {
			pgs = append(pgs, pg.ID)
		}
		rgs := make([]string, 0, len(p.ResourceGroups))
		for _, rg := range p.ResourceGroups {
			rgs = append(rgs, rg.ID)
		}
		elems = append(elems, types.ObjectValueMust(policyAttrTypes, map[string]attr.Value{
			"access":            types.StringValue(p.Access),
			"permission_groups": idSetOf(pgs),
			"resource_groups":   idSetOf(rgs),
		}))
	}
	return types.SetValueMust(objType, elems)
}
