package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error kinds, for errors.Is. An *APIError matches the kind its status and codes map to.
var (
	// ErrNotFound is the API's own answer that the object is gone: HTTP 404 with the JSON envelope
	// and an object's "not found" code (see objectNotFoundCodes). It is the only answer that may
	// remove an object from Terraform's state.
	ErrNotFound = errors.New("not found")
	// ErrMisrouted is an HTTP 404 that says nothing about the object: no route for the URL (code
	// 7000), an account that does not exist or is not visible (7003), an envelope without an
	// object's code, or an answer that is not the API's JSON at all (a proxy's HTML page). It
	// means a wrong base_url or account_id far more often than a deleted object, so it never
	// removes anything from state.
	ErrMisrouted     = errors.New("the request did not reach the object")
	ErrAlreadyExists = errors.New("already exists")
	ErrRateLimited   = errors.New("rate limited")
	ErrUnauthorized  = errors.New("authentication failed")
	ErrValidation    = errors.New("invalid request")
	ErrServer        = errors.New("server error")
	// ErrAmbiguous means the request may or may not have been applied: the connection failed or
	// timed out after it was sent.
	ErrAmbiguous = errors.New("outcome unknown")
	// ErrInconsistentListing means the pages of a listing contradict their own counts or each
	// other (total_pages against total_count, an empty page before the end, a page that repeats
	// earlier ones): nothing is taken from such a listing, since a shorter one is not the truth.
	ErrInconsistentListing = errors.New("inconsistent listing")
	// ErrMultipleMatches means a lookup by a key the API keeps unique (email, group name) found
	// several objects: a lookup must never pick one of them silently.
	ErrMultipleMatches = errors.New("more than one match")
	// ErrNotAdopted means a create's outcome was unknown and an object with the same email or name
	// was found afterwards that cannot be proven to come from it: it was not taken into the state.
	ErrNotAdopted = errors.New("found but not adopted")
)

// ErrorDetail is one item of the envelope's errors or messages.
type ErrorDetail struct {
	Code             int    `json:"code"`
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url,omitempty"`
	Source           *struct {
		Pointer string `json:"pointer"`
	} `json:"source,omitempty"`
}

// objectNotFoundCodes are the codes with which the Cloudflare API says that the object a request
// names does not exist (1003 "Member not found", "User group not found", "Member not found in user
// group"). A Cloudflare 404 with any other code, or none, is ErrMisrouted.
var objectNotFoundCodes = []int{1003}

// APIError is an answer of the API with success false or an HTTP error status.
type APIError struct {
	StatusCode int
	Method     string
	Path       string
	// URL is the full URL the request went to, when known: a misrouted request names it.
	URL        string
	Errors     []ErrorDetail
	Messages   []ErrorDetail
	RetryAfter time.Duration
	// ObjectGone is set by the API's adapter when the answer is the API's own "this object does
	// not exist" (for Cloudflare: a 404 envelope with an objectNotFoundCodes code). Only then is a
	// 404 ErrNotFound; any other 404 is ErrMisrouted.
	ObjectGone bool
	// ClickHouse marks an answer of the ClickHouse API, whose settings (api_url, token_key,
	// token_secret) are not the account API's.
	ClickHouse bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	for i, d := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		if d.Code != 0 {
			fmt.Fprintf(&b, "%s[%d] %s", sep, d.Code, d.Message)
		} else { // an API without error codes (ClickHouse)
			fmt.Fprintf(&b, "%s%s", sep, d.Message)
		}
		if d.Source != nil && d.Source.Pointer != "" {
			fmt.Fprintf(&b, " (at %s)", d.Source.Pointer)
		}
	}
	if len(e.Errors) == 0 {
		b.WriteString(": " + http.StatusText(e.StatusCode))
	}
	if e.Is(ErrMisrouted) {
		u := e.URL
		if u == "" {
			u = e.Path
		}
		fmt.Fprintf(&b, " (the answer for %s does not say that the object is gone: %s)", u, e.misrouteReason())
	}
	return b.String()
}

func (e *APIError) hasCode(codes ...int) bool {
	for _, d := range e.Errors {
		for _, c := range codes {
			if d.Code == c {
				return true
			}
		}
	}
	return false
}

// Is maps the answer to an error kind.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound && e.ObjectGone
	case ErrMisrouted:
		return e.StatusCode == http.StatusNotFound && !e.ObjectGone
	case ErrAlreadyExists:
		if e.hasCode(1004) || e.StatusCode == http.StatusConflict {
			return true
		}
		for _, d := range e.Errors {
			if strings.Contains(strings.ToLower(d.Message), "already exists") {
				return true
			}
		}
		return false
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden || e.hasCode(10000)
	case ErrValidation:
		return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusNotFound &&
			e.StatusCode != http.StatusTooManyRequests && e.StatusCode != http.StatusUnauthorized && e.StatusCode != http.StatusForbidden
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

func (e *APIError) misrouteReason() string {
	switch {
	case e.hasCode(7000):
		return "the API has no route for this URL"
	case e.hasCode(7003):
		return "the API cannot route to this account or object identifier"
	case len(e.Errors) == 0:
		return "the answer is not the API's JSON envelope, as from a proxy or a wrong host"
	default:
		return "the answer is not the API's \"object not found\""
	}
}

// ambiguousError wraps a transport failure after which the request may have been applied.
type ambiguousError struct {
	Method, Path string
	Err          error
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("%s %s: %v (the request may or may not have been applied)", e.Method, e.Path, e.Err)
}
func (e *ambiguousError) Unwrap() []error { return []error{ErrAmbiguous, e.Err} }
