package client

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
)

// apiAdapter is what differs between the APIs that the one request path (Client.do) speaks: how a
// request carries its credentials, how an answer's envelope becomes a result or an *APIError, and
// which rate-limit headers the API sends. Everything else (limiter, retries, timeouts, the POST
// rules, logging, typed errors) is shared.
type apiAdapter interface {
	// authorize sets the request's credentials.
	authorize(h http.Header)
	// decode turns one HTTP answer into the result (decoded into out) or an *APIError.
	decode(method, path string, resp *http.Response, raw []byte, out any) (*ResultInfo, error)
	// observe reads an answer's rate-limit headers: it may slow the shared limiter, and states the
	// API's own "wait this long" header as Retry-After, which the shared backoff honours.
	observe(c *Client, resp *http.Response)
	// secrets are the values that no log line may show.
	secrets() []string
}

// cloudflareAPI is the account API in the Cloudflare v4 shape: a bearer token or the legacy key
// pair, the {success, errors, messages, result, result_info} envelope, and the Ratelimit headers.
type cloudflareAPI struct{ token, key, email string }

func (a cloudflareAPI) authorize(h http.Header) {
	if a.token != "" {
		h.Set("Authorization", "Bearer "+a.token)
		return
	}
	h.Set("X-Auth-Key", a.key)
	h.Set("X-Auth-Email", a.email)
}

func (cloudflareAPI) decode(method, path string, resp *http.Response, raw []byte, out any) (*ResultInfo, error) {
	return decodeEnvelope(method, path, resp, raw, out)
}

func (cloudflareAPI) observe(c *Client, resp *http.Response) {
	c.adaptRate(resp.Header.Get("Ratelimit"), resp.Header.Get("Ratelimit-Policy"))
}

func (a cloudflareAPI) secrets() []string { return nonEmpty(a.token, a.key) }

// clickhouseAPI is the ClickHouse Cloud API: HTTP basic auth with the key ID and secret, the
// {status, requestId, result | error} envelope, no pagination, and X-RateLimit-Reset (seconds
// until the 10-requests-per-10-seconds window resets) on 429.
type clickhouseAPI struct{ keyID, keySecret string }

func (a clickhouseAPI) basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(a.keyID+":"+a.keySecret))
}

func (a clickhouseAPI) authorize(h http.Header) { h.Set("Authorization", a.basic()) }

func (a clickhouseAPI) secrets() []string {
	if a.keySecret == "" {
		return nil
	}
	return []string{a.keySecret, a.basic()[len("Basic "):]}
}

// observe turns X-RateLimit-Reset of a 429 into Retry-After (rounded up to whole seconds) when the
// API sent no Retry-After of its own.
func (clickhouseAPI) observe(_ *Client, resp *http.Response) {
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" {
		return
	}
	reset, err := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset"), 64)
	if err != nil || reset < 0 || math.IsNaN(reset) || math.IsInf(reset, 0) {
		return
	}
	resp.Header.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(min(reset, 3600))), 10))
}

type clickhouseEnvelope struct {
	Status    *int            `json:"status"`
	Error     *string         `json:"error"`
	RequestID string          `json:"requestId"`
	Result    json.RawMessage `json:"result"`
}

// decode reads {"status", "requestId", "result"} or {"status", "error", "requestId"}. A refusal
// becomes an *APIError keyed by its HTTP status (the message text is only shown, never matched).
func (clickhouseAPI) decode(method, path string, resp *http.Response, raw []byte, out any) (*ResultInfo, error) {
	var env clickhouseEnvelope
	if err := json.Unmarshal(raw, &env); err != nil || (env.Status == nil && env.Error == nil && env.Result == nil) {
		if resp.StatusCode >= 400 {
			return nil, &APIError{StatusCode: resp.StatusCode, Method: method, Path: path, RetryAfter: retryAfter(resp), ClickHouse: true}
		}
		return nil, fmt.Errorf("%s %s: HTTP %d answered with something that is not the API's JSON envelope: %q",
			method, path, resp.StatusCode, snippet(raw))
	}
	status := resp.StatusCode
	if status < 400 && env.Status != nil && *env.Status >= 400 {
		status = *env.Status
	}
	if status < 400 && env.Error != nil {
		status = http.StatusBadRequest // an error on a 2xx is still a refusal
	}
	if status >= 400 {
		msg := http.StatusText(status)
		if env.Error != nil && *env.Error != "" {
			msg = *env.Error
		}
		if env.RequestID != "" {
			msg += " (request " + env.RequestID + ")"
		}
		// The API has no error codes: a 404 in its own envelope is its "this object does not exist"
		// (a proxy's page or another host's answer is not the envelope, and stays ErrMisrouted).
		return nil, &APIError{StatusCode: status, Method: method, Path: path, Errors: []ErrorDetail{{Message: msg}}, RetryAfter: retryAfter(resp),
			ObjectGone: status == http.StatusNotFound, ClickHouse: true}
	}
	if out != nil && len(env.Result) > 0 && string(env.Result) != "null" {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return nil, fmt.Errorf("%s %s: decoding the result: %w", method, path, err)
		}
	}
	return nil, nil
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
