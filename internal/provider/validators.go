package provider

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The API's identifiers (accounts, members, roles, groups, permission and resource groups) are 32
// lowercase hexadecimal characters; checking the shape at plan time turns a pasted name or a
// truncated ID into a plan error instead of a failed apply.
var (
	accountIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	hexIDPattern     = accountIDPattern
)

// ClickHouse identifiers (organizations, users, invitations, roles) are lowercase UUIDs.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func organizationIDValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be a ClickHouse organization ID: a lowercase UUID such as 3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b")
}

const (
	maxEmailLength     = 90  // the API's limit, in characters
	maxGroupNameLength = 255 // the API's limit, in characters
)

// groupNameValidators: 1 to 255 characters counted as letters (a name of 255 "é" is 510 bytes and
// valid), and not only whitespace, which the API refuses as an empty name.
func groupNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.UTF8LengthBetween(1, maxGroupNameLength),
		stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must contain a character other than spaces (the API trims them and refuses an empty name)"),
	}
}

func accountIDValidator() validator.String {
	return stringvalidator.RegexMatches(accountIDPattern, "must be an account ID: 32 lowercase hexadecimal characters")
}

func hexIDValidator(what string) validator.String {
	return stringvalidator.RegexMatches(hexIDPattern, "must be "+what+": 32 lowercase hexadecimal characters")
}

// checkEmail returns why s is not an address the API accepts, or "".
func checkEmail(s string) string {
	if n := utf8.RuneCountInString(s); n > maxEmailLength {
		return fmt.Sprintf("must be at most %d characters (the API's limit); got %d", maxEmailLength, n)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return fmt.Sprintf("must be a plain email address such as \"jane@example.com\"; got %q", s)
	}
	at := strings.LastIndex(s, "@")
	if at < 1 || !strings.Contains(s[at+1:], ".") {
		return fmt.Sprintf("must be an email address with a domain such as \"example.com\"; got %q", s)
	}
	return ""
}

type emailValidator struct{}

func (emailValidator) Description(context.Context) string {
	return fmt.Sprintf("must be an email address of at most %d characters", maxEmailLength)
}
func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (emailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkEmail(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address", "`"+req.Path.String()+"` "+msg+".")
	}
}

// checkBaseURL returns why s cannot be the API base URL, or "". Plain http is only for a local
// emulator: a token must never cross a network unencrypted.
func checkBaseURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Sprintf("must be an absolute URL such as \"https://api.cloudflare.com/client/v4\"; got %q", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Sprintf("must not carry a query, fragment or user info; got %q", u.Redacted()) // never a password
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Sprintf("must use https; plain http is accepted only for a loopback host such as 127.0.0.1 (a local emulator); got %q", s)
	}
	return ""
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// baseURLValidator checks an API base URL attribute (base_url, clickhouse.api_url).
type baseURLValidator struct{ attr string }

func (baseURLValidator) Description(context.Context) string {
	return "must be an https URL, or http to a loopback host"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkBaseURL(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.attr, "`"+v.attr+"` "+msg+".")
	}
}

// nonEmptyRolesValidator refuses `roles = []` with the way out: a member needs at least one role,
// and policy-based access is the `policies` attribute, not an empty role list.
type nonEmptyRolesValidator struct{}

func (nonEmptyRolesValidator) Description(context.Context) string {
	return "must hold at least one role ID; for policy-based access leave roles out and set policies"
}
func (v nonEmptyRolesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (nonEmptyRolesValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || len(req.ConfigValue.Elements()) > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty Roles",
		"`roles` is empty, but a member needs at least one role. For access through policies instead of roles, "+
			"leave `roles` out and set `policies` (exactly one of the two).")
}
