package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// resourceIdentity is the identity of a resource (Terraform 1.12+): its account and one API ID. It
// is what an `import` block's `identity = {...}` names, what Terraform keeps beside the state, and
// what list resources (`terraform query`) return for each object found. Clients without identity
// support (Terraform before 1.12, OpenTofu 1.10) ignore it.
type resourceIdentity struct {
	key         string // the attribute beside account_id: "id", or "user_group_id" for memberships
	description string
}

var (
	memberIdentity     = resourceIdentity{key: "id", description: "The member's ID (32 hexadecimal characters)."}
	groupIdentity      = resourceIdentity{key: "id", description: "The group's ID (32 hexadecimal characters)."}
	membershipIdentity = resourceIdentity{key: "user_group_id", description: "The user group's ID (32 hexadecimal characters)."}
)

func (ri resourceIdentity) schema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "The account; when an import block leaves it out, the provider's `account_id`.",
			},
			ri.key: identityschema.StringAttribute{RequiredForImport: true, Description: ri.description},
		},
	}
}

// set records the identity of an object. A nil identity (a request made without one, as in unit
// tests that call a resource directly) is left alone. The value is built directly, not through
// SetAttribute: every refresh pays this, and the two attributes need no conversion.
func (ri resourceIdentity) set(ctx context.Context, identity *tfsdk.ResourceIdentity, accountID, key string) diag.Diagnostics {
	if identity == nil || identity.Schema == nil {
		return nil
	}
	identity.Raw = tftypes.NewValue(identity.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"account_id": tftypes.NewValue(tftypes.String, accountID),
		ri.key:       tftypes.NewValue(tftypes.String, key),
	})
	return nil
}

// importID turns the identity of an import block into the import ID it stands for,
// "<account_id>/<key>" or "<key>" when the block leaves the account out, so that both ways of
// importing go through the one parser.
func (ri resourceIdentity) importID(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var account, key types.String
	diags := identity.GetAttribute(ctx, path.Root("account_id"), &account)
	diags.Append(identity.GetAttribute(ctx, path.Root(ri.key), &key)...)
	if diags.HasError() {
		return "", diags
	}
	if key.ValueString() == "" {
		diags.AddError("Cannot import by identity", fmt.Sprintf("The import block's identity has no `%s`: set it to the object's ID.", ri.key))
		return "", diags
	}
	if account.ValueString() == "" {
		return key.ValueString(), diags
	}
	if !accountIDPattern.MatchString(account.ValueString()) {
		diags.AddAttributeError(path.Root("account_id"), "Cannot import by identity",
			fmt.Sprintf("The import block's identity has account_id %q; an account ID is 32 hexadecimal characters. Leave it out to use the provider's account_id.", account.ValueString()))
		return "", diags
	}
	return account.ValueString() + "/" + key.ValueString(), diags
}
