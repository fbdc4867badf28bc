package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// addAPIError is the one place that turns a client error into a diagnostic. summary says what
// failed ("Cannot create account member jane@example.com"); the detail says what the API answered
// and what the user can do about it.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

// addUpdateError is addAPIError for an Update: there a 404 means the object was deleted outside
// Terraform between the plan (whose refresh still saw it) and the apply.
func addUpdateError(diags *diag.Diagnostics, summary string, err error) {
	if errors.Is(err, client.ErrNotFound) {
		diags.AddError(summary, err.Error()+"\n\nThe object was deleted outside Terraform after the plan was made. "+
			"Nothing was changed. Run `terraform apply` again: its plan will create the object anew.")
		return
	}
	addAPIError(diags, summary, err)
}

// addCreateConflict reports a create that found its email or name taken: "already exists", or an
// unknown outcome after which an object was found that cannot be proven to be this create's
// (client.ErrNotAdopted). Either way nothing was changed, and importing is the way to manage it.
func addCreateConflict(diags *diag.Diagnostics, attr path.Path, summary, accountID, what, importID string, err error) {
	detail := fmt.Sprintf("Account %s already has %s.", accountID, what)
	if errors.Is(err, client.ErrNotAdopted) {
		detail = err.Error() + "\n\nNothing was changed and it is not recorded in the state: an object that this apply cannot " +
			"prove it created is never taken over (it may be someone else's, with other access)."
	}
	diags.AddAttributeError(attr, summary, detail+fmt.Sprintf(" To manage it with Terraform, import it:\n\n"+
		"  terraform import <resource address> %s\n\nor add an import block:\n\n  import {\n    to = <resource address>\n    id = %q\n  }",
		importID, importID))
}

func apiErrorDetail(err error) string {
	var advice string
	switch {
	case errors.Is(err, client.ErrUnauthorized) && isClickHouse(err):
		advice = "The ClickHouse API refused the credentials. Check `token_key` and `token_secret` in the provider's " +
			"`clickhouse` block (or CLICKHOUSE_TOKEN_KEY and CLICKHOUSE_TOKEN_SECRET): the key must be valid, belong to " +
			"this organization and be allowed to manage its members and invitations."
	case errors.Is(err, client.ErrMisrouted) && isClickHouse(err):
		advice = "The ClickHouse API (or something in front of it) answered 404 without saying that the object is gone, " +
			"so nothing was removed from the state. Check `api_url` (such as " + client.DefaultClickHouseURL + ") and " +
			"`organization_id` in the provider's `clickhouse` block; a proxy in between must pass the API's answers through."
	case errors.Is(err, client.ErrUnauthorized):
		advice = "The API refused the credentials. Check `api_token` (or CLOUDFLARE_API_TOKEN): it must be valid and " +
			"allowed to read and edit account members and IAM user groups of this account."
	case errors.Is(err, client.ErrRateLimited):
		advice = "The API's rate limit (1200 requests per 5 minutes) was still exceeded after the retries. Wait a few " +
			"minutes and run again, or lower `requests_per_second` or raise `max_retries` in the provider block."
		var apiErr *client.APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			advice += fmt.Sprintf(" The API asked to wait %s before the next request (Retry-After); the provider waits at most "+
				"`max_retry_wait_seconds` before one retry.", apiErr.RetryAfter.Round(time.Second))
		}
	case errors.Is(err, client.ErrAmbiguous):
		advice = "The connection failed after the request was sent, so it may or may not have been applied. " +
			"Run `terraform plan` to see what the account holds now; the next apply converges."
	case errors.Is(err, client.ErrServer):
		advice = "The API answered with a server error after the retries. Nothing more was changed; run again later."
	case errors.Is(err, client.ErrMisrouted):
		advice = "The API (or something in front of it) answered 404 without saying that the object is gone, so nothing " +
			"was removed from the state. Check `base_url` in the provider block (the API's base, such as " +
			client.DefaultBaseURL + ") and `account_id` (the provider's and the resource's); a proxy in between must " +
			"pass the API's answers through."
	case errors.Is(err, client.ErrNotFound):
		advice = "The object does not exist (any more) in this account. Check the ID and account_id."
	case errors.Is(err, client.ErrAlreadyExists):
		advice = "An object with this identity already exists in the account. Import it instead of creating it."
	case errors.Is(err, client.ErrInconsistentListing):
		advice = "The API's pages contradicted their own counts, so the listing was not used: a shorter listing would " +
			"make the plan add or remove objects that exist. Run again; if it persists, the API or a proxy in front " +
			"of it is not answering correctly."
	case errors.Is(err, client.ErrMultipleMatches):
		advice = "The lookup is ambiguous, so nothing was picked. Look the object up by its `id` instead."
	case directAcceptRefused(err):
		advice = "`status = \"accepted\"` adds a user directly, without an invitation, which the API allows only for " +
			"accounts entitled to it (the emulator: start it with -allow-direct-accept). Leave `status` out (or set it " +
			"to \"pending\") to send an invitation instead; the member becomes accepted when the invitee accepts."
	case errors.Is(err, client.ErrValidation):
		advice = "The API rejected the request; the message above names the value it did not accept."
	}
	if advice == "" {
		return err.Error()
	}
	return fmt.Sprintf("%s\n\n%s", err.Error(), advice)
}

// addRepeatedWarnings shows the objects a listing held more than once: the API's doing, not the
// configuration's (left as they were, they would be Terraform's "Duplicate Set Element" error).
func addRepeatedWarnings(diags *diag.Diagnostics, warnings []*client.RepeatedWarning) {
	for _, w := range warnings {
		diags.AddWarning("API Listing Repeated Objects", w.Error()+
			"\n\nThe API listed these objects more than once; each is counted once. Nothing in the configuration causes this.")
	}
}

// isClickHouse reports an answer of the ClickHouse API, whose settings differ from the account API's.
func isClickHouse(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && apiErr.ClickHouse
}

// directAcceptRefused reports the API's refusal of `status = "accepted"` on create (code 1001
// "automatic verification of new members is not allowed"): the account lacks the entitlement.
func directAcceptRefused(err error) bool {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, d := range apiErr.Errors {
		if d.Code == 1001 && strings.Contains(strings.ToLower(d.Message), "automatic verification") {
			return true
		}
	}
	return false
}
