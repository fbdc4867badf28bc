package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// importID is a parsed import identifier: "<scope>/<key>" or, when the provider has a default
// scope, "<key>" alone. The scope is the account (Cloudflare) or the organization (ClickHouse).
// Key is an API ID or, for resources that allow it, a natural key (an email, a group name; a name
// may itself contain "/").
type importID struct {
	Raw       string
	AccountID string // the scope: account ID or ClickHouse organization ID
	Key       string
	IsHexID   bool // Key has the shape of a Cloudflare API ID
	formats   []string
	scope     importScope
}

// importScope is what an import ID starts with: the account_id of Cloudflare resources, the
// organization_id of ClickHouse ones.
type importScope struct {
	attr    string // state attribute: account_id
	noun    string // in errors: account ID
	pattern *regexp.Regexp
}

var (
	accountScope      = importScope{attr: "account_id", noun: "account ID", pattern: accountIDPattern}
	organizationScope = importScope{attr: "organization_id", noun: "organization ID", pattern: uuidPattern}
)

// parseImportID is the one parser of import IDs of an account's objects. formats lists the
// accepted forms for errors, e.g. []string{"<account_id>/<member_id>", "<account_id>/<email>"}.
func parseImportID(raw, defaultAccountID string, formats []string) (importID, error) {
	return parseScopedImportID(raw, accountScope, defaultAccountID, formats)
}

// parseScopedImportID is parseImportID for any scope.
func parseScopedImportID(raw string, scope importScope, defaultScope string, formats []string) (importID, error) {
	id := importID{Raw: raw, formats: formats, scope: scope}
	if acct, key, found := strings.Cut(raw, "/"); found && scope.pattern.MatchString(acct) {
		id.AccountID, id.Key = acct, key
	} else {
		id.AccountID, id.Key = defaultScope, raw
	}
	switch {
	case strings.TrimSpace(raw) == "":
		return id, id.invalid("the import ID is empty")
	case id.AccountID == "":
		return id, id.invalid("it has no " + scope.noun + " and the provider sets none")
	case strings.TrimSpace(id.Key) == "":
		return id, id.invalid("the part after the " + scope.noun + " is empty")
	}
	id.IsHexID = hexIDPattern.MatchString(id.Key)
	return id, nil
}

// invalid builds the error every bad import ID gets: why, the value received, the accepted forms.
func (id importID) invalid(why string) error {
	part := strings.TrimSuffix(id.scope.noun, " ID")
	return fmt.Errorf("%s; got %q. Expected one of: %s. The %s part may be left out when the provider sets %s",
		why, id.Raw, strings.Join(id.formats, ", "), part, id.scope.attr)
}

// importState parses the ID (or the import block's identity, ri, read as the same ID), lets resolve
// turn the key into the resource ID (looking up an email or a name when needed, returning
// id.invalid(...) for a key of the wrong shape), and sets id, account_id and the identity in state;
// Read fills in the rest.
func importState(ctx context.Context, pd *providerData, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	ri resourceIdentity, formats []string, resolve func(ctx context.Context, id importID) (string, error)) {
	defaultAccount := ""
	if pd != nil {
		if !pd.requireCloudflare(&resp.Diagnostics) {
			return
		}
		defaultAccount = pd.accountID
	}
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		raw, diags := ri.importID(ctx, req.Identity)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		req.ID = raw
		resolveKey := resolve
		resolve = func(ctx context.Context, id importID) (string, error) {
			if !id.IsHexID { // an identity names the object by ID, never by name or email
				return "", fmt.Errorf("the identity's %s must be an ID of 32 lowercase hexadecimal characters; got %q", ri.key, id.Key)
			}
			return resolveKey(ctx, id)
		}
	}
	importScopedState(ctx, pd, accountScope, defaultAccount, req, resp, formats, resolve)
	if !resp.Diagnostics.HasError() {
		var accountID, id types.String
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("account_id"), &accountID)...)
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &id)...)
		resp.Diagnostics.Append(ri.set(ctx, resp.Identity, accountID.ValueString(), id.ValueString())...)
	}
}

// importScopedState is importState for any scope; the scope's own credentials are checked by the caller.
func importScopedState(ctx context.Context, pd *providerData, scope importScope, defaultScope string, req resource.ImportStateRequest,
	resp *resource.ImportStateResponse, formats []string, resolve func(ctx context.Context, id importID) (string, error)) {
	id, err := parseScopedImportID(req.ID, scope, defaultScope, formats)
	if err == nil && pd == nil {
		err = errors.New("the provider is not configured")
	}
	var resourceID string
	if err == nil {
		resourceID, err = resolve(ctx, id)
	}
	if errors.Is(err, client.ErrNotFound) { // a lookup by name or email found nothing: show the forms too
		err = fmt.Errorf("%w\n\nExpected one of: %s (read as %s %s and key %q)", err, strings.Join(formats, ", "),
			strings.TrimSuffix(scope.noun, " ID"), id.AccountID, id.Key)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import "+req.ID, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(resourceID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(scope.attr), types.StringValue(id.AccountID))...)
}
