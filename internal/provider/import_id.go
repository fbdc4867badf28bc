package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// importID is a parsed import identifier: "<account_id>/<key>" or, when the provider has a default
// account, "<key>" alone. Key is a 32-hex ID or, for resources that allow it, a natural key (an
// email, a group name; a name may itself contain "/").
type importID struct {
	Raw       string
	AccountID string
	Key       string
	IsHexID   bool // Key has the shape of an API ID
	formats   []string
}

// parseImportID is the one parser of import IDs. formats lists the accepted forms for errors,
// e.g. []string{"<account_id>/<member_id>", "<account_id>/<email>"}.
func parseImportID(raw, defaultAccountID string, formats []string) (importID, error) {
	id := importID{Raw: raw, formats: formats}
	if acct, key, found := strings.Cut(raw, "/"); found && accountIDPattern.MatchString(acct) {
		id.AccountID, id.Key = acct, key
	} else {
		id.AccountID, id.Key = defaultAccountID, raw
	}
	switch {
	case strings.TrimSpace(raw) == "":
		return id, id.invalid("the import ID is empty")
	case id.AccountID == "":
		return id, id.invalid("it has no account ID and the provider sets none")
	case strings.TrimSpace(id.Key) == "":
		return id, id.invalid("the part after the account ID is empty")
	}
	id.IsHexID = hexIDPattern.MatchString(id.Key)
	return id, nil
}

// invalid builds the error every bad import ID gets: why, the value received, the accepted forms.
func (id importID) invalid(why string) error {
	return fmt.Errorf("%s; got %q. Expected one of: %s. The account part may be left out when the provider sets account_id",
		why, id.Raw, strings.Join(id.formats, ", "))
}

// importState parses the ID (or the import block's identity, ri, read as the same ID), lets resolve
// turn the key into the resource ID (looking up an email or a name when needed, returning
// id.invalid(...) for a key of the wrong shape), and sets id, account_id and the identity in state;
// Read fills in the rest.
func importState(ctx context.Context, pd *providerData, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	ri resourceIdentity, formats []string, resolve func(ctx context.Context, id importID) (string, error)) {
	defaultAccount := ""
	if pd != nil {
		defaultAccount = pd.accountID
	}
	raw, byIdentity := req.ID, req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull()
	if byIdentity {
		var diags diag.Diagnostics
		if raw, diags = ri.importID(ctx, req.Identity); diags.HasError() {
			resp.Diagnostics.Append(diags...)
			return
		}
	}
	id, err := parseImportID(raw, defaultAccount, formats)
	if err == nil && pd == nil {
		err = errors.New("the provider is not configured")
	}
	if err == nil && byIdentity && !id.IsHexID { // an identity names the object by ID, never by name or email
		err = fmt.Errorf("the identity's %s must be an ID of 32 lowercase hexadecimal characters; got %q", ri.key, id.Key)
	}
	var resourceID string
	if err == nil {
		resourceID, err = resolve(ctx, id)
	}
	if errors.Is(err, client.ErrNotFound) { // a lookup by name or email found nothing: show the forms too
		err = fmt.Errorf("%w\n\nExpected one of: %s (read as account %s and key %q)", err, strings.Join(formats, ", "), id.AccountID, id.Key)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import "+raw, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(resourceID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), types.StringValue(id.AccountID))...)
	resp.Diagnostics.Append(ri.set(ctx, resp.Identity, id.AccountID, resourceID)...)
}
