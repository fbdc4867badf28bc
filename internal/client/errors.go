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
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists")
	ErrRateLimited   = errors.New("rate limited")
	ErrUnauthorized  = errors.New("authentication failed")
	ErrValidation    = errors.New("invalid request")
	ErrServer        = errors.New("server error")
	// ErrAmbiguous means the request may or may not have been applied: the connection failed or
	// timed out after it was sent.
	ErrAmbiguous = errors.New("outcome unknown")
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

// APIError is an answer of the API with success false or an HTTP error status.
type APIError struct {
	StatusCode int
	Method     string
	Path       string
	Errors     []ErrorDetail
	Messages   []ErrorDetail
	RetryAfter time.Duration
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
		return e.StatusCode == http.StatusNotFound || e.hasCode(1003, 7003)
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

// ambiguousError wraps a transport failure after which the request may have been applied.
type ambiguousError struct {
	Method, Path string
	Err          error
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("%s %s: %v (the request may or may not have been applied)", e.Method, e.Path, e.Err)
}
func (e *ambiguousError) Unwrap() []error { return []error{ErrAmbiguous, e.Err} }
