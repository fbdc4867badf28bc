// Package client is the typed client of the account IAM API in the Cloudflare v4 shape and of the
// ClickHouse Cloud organization API: one small service per endpoint family, pagination as
// iterators, errors as typed values, and one request path (Client.do) that every call of either
// API goes through for auth, rate limiting, retries and logging. What differs between the two APIs
// (credentials, envelope, rate-limit headers) is a small adapter (adapter.go).
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is the public API.
const DefaultBaseURL = "https://api.cloudflare.com/client/v4"

const (
	defaultMaxRetries        = 4
	defaultRequestsPerSecond = 4.0 // 1200 requests per 5 minutes
	defaultTimeout           = 30 * time.Second
	maxResponseBytes         = 16 << 20
	logSubsystem             = "iam_client"
)

// Config configures a Client. Exactly one credential scheme: APIToken, or APIKey with Email.
type Config struct {
	BaseURL           string
	APIToken          string // surrounding whitespace (a trailing newline from a file) is trimmed
	APIKey, Email     string
	MaxRetries        int     // 0 means the default (4); negative disables retries
	RequestsPerSecond float64 // 0 means the default (4)
	Timeout           time.Duration
	UserAgent         string
	HTTPClient        *http.Client
	// RetryWaitMin and RetryWaitMax bound the backoff between retries (default 1 s and 30 s); a
	// Retry-After header from the API wins over them, up to MaxRetryWait.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryWait is the longest the client waits before one retry (default 120 s). When the API's
	// Retry-After asks for longer, the request is not retried and the error says what was asked.
	MaxRetryWait time.Duration
}

// Stats counts what the client did, for tests and benchmarks.
type Stats struct {
	Requests    int64 // HTTP attempts sent
	Retries     int64
	RateLimited int64 // HTTP 429 answers seen
}

// Client is safe for concurrent use; its limiter is shared by every call.
type Client struct {
	Members          *MembersService
	UserGroups       *UserGroupsService
	GroupMembers     *GroupMembersService
	Roles            *RolesService
	PermissionGroups *PermissionGroupsService
	ResourceGroups   *ResourceGroupsService

	cfg        Config
	api        apiAdapter
	base       *url.URL
	hc         *http.Client
	limiter    *rate.Limiter
	configured rate.Limit
	secrets    masker
	requests   atomic.Int64
	retries    atomic.Int64
	limited    atomic.Int64
}

// New validates cfg and builds a client of the Cloudflare-shaped account API.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	// A credential read from a file or a secret store often ends with a newline; no credential
	// starts or ends with whitespace, so it is trimmed. Whitespace inside cannot be sent in a header.
	cfg.APIToken, cfg.APIKey, cfg.Email = strings.TrimSpace(cfg.APIToken), strings.TrimSpace(cfg.APIKey), strings.TrimSpace(cfg.Email)
	switch {
	case cfg.APIToken != "" && (cfg.APIKey != "" || cfg.Email != ""):
		return nil, errors.New("use either an API token or an API key with its email, not both")
	case cfg.APIToken == "" && (cfg.APIKey == "" || cfg.Email == ""):
		return nil, errors.New("credentials missing: set an API token, or an API key together with its email")
	}
	for what, v := range map[string]string{"API token": cfg.APIToken, "API key": cfg.APIKey, "email": cfg.Email} {
		if strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return nil, fmt.Errorf("the %s contains a space, line break or control character in the middle, which cannot be sent in an HTTP header; copy it again", what)
		}
	}
	c, err := newClient(cfg, cloudflareAPI{token: cfg.APIToken, key: cfg.APIKey, email: cfg.Email}, "base_url")
	if err != nil {
		return nil, err
	}
	c.Members = &MembersService{c: c}
	c.UserGroups = &UserGroupsService{c: c}
	c.GroupMembers = &GroupMembersService{c: c}
	c.Roles = &RolesService{c: c}
	c.PermissionGroups = &PermissionGroupsService{c: c}
	c.ResourceGroups = &ResourceGroupsService{c: c}
	return c, nil
}

// newClient builds the request path shared by every API: base URL, limiter, retries, timeouts.
// api is what differs per API; urlSetting names the base URL's setting in errors.
func newClient(cfg Config, api apiAdapter, urlSetting string) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "https" && base.Scheme != "http") {
		return nil, fmt.Errorf("%s %q is not an absolute http(s) URL", urlSetting, cfg.BaseURL)
	}
	if base.Scheme == "http" && !isLoopback(base.Hostname()) {
		return nil, fmt.Errorf("%s %q uses plain http to a non-loopback host; use https", urlSetting, cfg.BaseURL)
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = defaultMaxRetries
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestsPerSecond <= 0 {
		cfg.RequestsPerSecond = defaultRequestsPerSecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = time.Second
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = DefaultMaxRetryWait
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-iam"
	}
	c := &Client{cfg: cfg, api: api, base: base, configured: rate.Limit(cfg.RequestsPerSecond), secrets: newMasker(api.secrets()...)}
	// A burst of one: requests are evenly spaced, so no window of the API's sliding-window quota
	// sees more than the configured rate allows.
	c.limiter = rate.NewLimiter(c.configured, 1)

	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			hc.Transport = t.Clone()
		}
	} else {
		copied := *hc
		hc = &copied
	}
	if hc.Transport == nil {
		hc.Transport = http.DefaultTransport
	}
	// The timeout is per attempt and starts once the limiter let the attempt go (attemptTransport):
	// waiting for the limiter is not part of an attempt.
	hc.Timeout = 0
	hc.Transport = &attemptTransport{next: hc.Transport, c: c}
	c.hc = hc
	return c, nil
}

// BaseURL is the API base URL in use.
func (c *Client) BaseURL() string { return c.base.String() }

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load(), RateLimited: c.limited.Load()}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// attemptTransport is one attempt: it bounds the attempt (sending and reading the answer) by the
// request timeout, counts it, and reads the API's rate-limit headers to slow down before the API
// starts answering 429. The limiter is waited for before, outside the attempt (see Client.do).
type attemptTransport struct {
	next http.RoundTripper
	c    *Client
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.c.cfg.Timeout)
	t.c.requests.Add(1)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && req.Context().Err() == nil {
			err = fmt.Errorf("no complete answer within the request timeout of %s: %w", t.c.cfg.Timeout, err)
		}
		return nil, err
	}
	t.c.api.observe(t.c, resp)
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends the attempt's timeout once its body was read and closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

type envelope struct {
	Success    *bool           `json:"success"`
	Errors     []ErrorDetail   `json:"errors"`
	Messages   []ErrorDetail   `json:"messages"`
	Result     json.RawMessage `json:"result"`
	ResultInfo *ResultInfo     `json:"result_info"`
}

// RequestOption changes how one call is sent and retried. Options are explicit arguments of the
// service methods, never values hidden in a context.
type RequestOption func(*requestOptions)

type requestOptions struct {
	idempotentPost bool // a POST the API treats as idempotent (adding group members)
	retryNotFound  bool
	// budget is the attempts left to the logical operation; every attempt of every request it
	// makes takes one. nil: a budget of MaxRetries+1 for this call alone.
	budget *budget
	// stop, when set, is the caller's context while the request runs on a detached one (a create
	// in flight finishes after an interrupt): once stop is done no new attempt starts.
	stop context.Context
	// reconcile is asked, after a POST attempt whose outcome is unknown, whether the POST may be
	// sent again (it looks the object up); see createReconciled.
	reconcile func(ctx context.Context) (retry bool)
	sent      int   // attempts sent by this call
	lastErr   error // the last attempt's transport error, for the retry log line
}

// RetryNotFound retries HTTP 404 answers with the usual backoff. It is for a request about an
// object the provider has just created, which the API has been reported to answer 404 for during
// a short while (the members of a new group); never for reads that decide whether an object still
// exists.
func RetryNotFound() RequestOption { return func(o *requestOptions) { o.retryNotFound = true } }

// budget counts the attempts one logical operation may still send.
type budget struct{ left int }

func (c *Client) newBudget() *budget { return &budget{left: c.cfg.MaxRetries + 1} }

// do is the one request path. body, when not nil, is sent as JSON; the envelope's result is
// decoded into out. POST requests are sent at most once unless the API provably did not process
// them (HTTP 429, or a connection that was never established) or a lookup showed that they were
// not applied; see checkRetry. Every error it returns has the credentials masked.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any, opts ...RequestOption) (*ResultInfo, error) {
	info, err := c.doUnmasked(ctx, method, path, query, body, out, opts...)
	return info, c.secrets.maskError(err)
}

func (c *Client) doUnmasked(ctx context.Context, method, path string, query url.Values, body, out any, opts ...RequestOption) (*ResultInfo, error) {
	var o requestOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.budget == nil {
		o.budget = c.newBudget()
	}
	waitCtx := ctx
	if o.stop != nil {
		waitCtx = o.stop
	}
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = query.Encode()
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("encoding the %s %s body: %w", method, path, err)
		}
	}
	logCtx := c.maskedLogContext(ctx)
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), payload)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	c.api.authorize(req.Header)
	if o.budget.left <= 0 {
		return nil, fmt.Errorf("%s %s: the retry budget of this operation is spent (max_retries = %d)", method, path, c.cfg.MaxRetries)
	}

	// One retry loop, go-retryablehttp's, built per call so that the call's options are explicit
	// arguments of its policy. Waiting for the limiter comes before each attempt and its timeout.
	rc := &retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     o.budget.left - 1,
		CheckRetry: func(rctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.checkRetry(rctx, method, &o, resp, err)
		},
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			return c.retryWait(logCtx, method, path, &o, minWait, maxWait, attempt, resp)
		},
		PrepareRetry: func(*http.Request) error { return c.waitTurn(waitCtx, method, path) },
		ErrorHandler: retryablehttp.PassthroughErrorHandler, // decode the last answer's envelope ourselves
	}
	if err := c.waitTurn(waitCtx, method, path); err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		tflog.SubsystemDebug(logCtx, logSubsystem, "API request failed", map[string]any{"method": method, "path": path, "error": c.secrets.mask(err.Error())})
		var ns *notSentError
		switch {
		case errors.As(err, &ns):
			return nil, err
		case ctx.Err() != nil:
			return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		case isRefused(err) && isLoopback(c.base.Hostname()):
			return nil, &refusedError{Method: method, Path: path, Host: c.base.Host, Err: err}
		case method == http.MethodGet || isDialError(err):
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		return nil, &ambiguousError{Method: method, Path: path, Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	tflog.SubsystemDebug(logCtx, logSubsystem, "API request", map[string]any{
		"method": method, "path": path, "query": u.RawQuery, "status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
	})
	tflog.SubsystemTrace(logCtx, logSubsystem, "API exchange", map[string]any{"request_body": string(payload), "response_body": c.secrets.mask(string(raw))})
	if err != nil {
		if method == http.MethodGet {
			return nil, fmt.Errorf("%s %s: reading the response: %w", method, path, err)
		}
		return nil, &ambiguousError{Method: method, Path: path, Err: fmt.Errorf("reading the response: %w", err)}
	}
	if len(raw) > maxResponseBytes {
		return nil, fmt.Errorf("%s %s: response larger than %d bytes", method, path, maxResponseBytes)
	}
	info, err := c.api.decode(method, path, resp, raw, out)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.URL = c.base.String() + path
	}
	if errors.As(err, &apiErr) && apiErr.RetryAfter > c.cfg.MaxRetryWait {
		return nil, &retryWaitTooLongError{APIError: apiErr, Limit: c.cfg.MaxRetryWait}
	}
	if err == nil && method == http.MethodGet && emptyObject(out) {
		// A success without the object (result null, missing or {}; a proxy damaging the answer) is
		// not the object with every field empty: taken as one, a refresh would blank it in the state.
		return nil, fmt.Errorf("%s %s: HTTP %d answered success without the object (the result is null, missing or empty). "+
			"Nothing was taken from it; run again, and if it persists the API or a proxy in front of it is not answering correctly",
			method, path, resp.StatusCode)
	}
	if err != nil && !errors.As(err, &apiErr) && method != http.MethodGet && resp.StatusCode < 300 {
		// A success whose body cannot be read (truncated, not JSON): the write may have been applied.
		return nil, &ambiguousError{Method: method, Path: path, Err: err}
	}
	return info, err
}

// waitTurn waits for the shared limiter. A request that could not wait was never sent.
func (c *Client) waitTurn(ctx context.Context, method, path string) error {
	if err := c.limiter.Wait(ctx); err != nil {
		return &notSentError{Method: method, Path: path, Err: err}
	}
	return nil
}

// decodeEnvelope turns one HTTP answer into the result, or an *APIError.
func decodeEnvelope(method, path string, resp *http.Response, raw []byte, out any) (*ResultInfo, error) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || (env.Success == nil && env.Errors == nil && env.Result == nil) {
		if resp.StatusCode >= 400 {
			return nil, &APIError{StatusCode: resp.StatusCode, Method: method, Path: path, RetryAfter: retryAfter(resp)}
		}
		return nil, fmt.Errorf("%s %s: HTTP %d answered with something that is not the API's JSON envelope: %q",
			method, path, resp.StatusCode, snippet(raw))
	}
	if resp.StatusCode >= 400 || env.Success == nil || !*env.Success {
		status := resp.StatusCode
		if status < 400 {
			status = http.StatusBadRequest // success:false on a 2xx is still a refusal
		}
		e := &APIError{StatusCode: status, Method: method, Path: path, Errors: env.Errors, Messages: env.Messages, RetryAfter: retryAfter(resp)}
		e.ObjectGone = status == http.StatusNotFound && e.hasCode(objectNotFoundCodes...)
		return nil, e
	}
	if out != nil && len(env.Result) > 0 && string(env.Result) != "null" {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return nil, fmt.Errorf("%s %s: decoding the result: %w", method, path, err)
		}
	}
	return env.ResultInfo, nil
}

// emptyObject reports whether out points at a struct that decoding left zero: every object of the
// APIs has an ID, so a zero one means the answer had no object. Lists (slices) are checked by the
// listing code, which knows their counts.
func emptyObject(out any) bool {
	v := reflect.ValueOf(out)
	return v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct && v.Elem().IsZero()
}

func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// maskedLogContext makes sure no credential can reach a log line, whatever field carries it.
func (c *Client) maskedLogContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
	for _, secret := range c.api.secrets() {
		if secret != "" {
			ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secret)
			ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secret)
			ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
			ctx = tflog.MaskMessageStrings(ctx, secret)
		}
	}
	return ctx
}

func isDialError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
