package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// DefaultMaxRetryWait is the longest the client waits before one retry unless configured.
const DefaultMaxRetryWait = 120 * time.Second

// checkRetry decides, for go-retryablehttp, whether an attempt is repeated. Every attempt takes
// one from the operation's budget, whatever layer asked for it.
//
// Transport errors are classified by go-retryablehttp's DefaultRetryPolicy: an invalid or expired
// certificate, a name mismatch, a redirect loop, an invalid header do not heal by retrying. A
// refused connection to a loopback host (the emulator is not running, or base_url has the wrong
// port) is not retried either. On top of that, GET, PUT and DELETE are idempotent: they are
// retried on 429, on 5xx and on connection errors. POST creates something, so it is repeated only
// when the API provably did not process it: a 429 (the rate limiter answered before the handler
// ran), a connection that was never established, or an unknown outcome after which a lookup
// (opts.reconcile) found nothing. Adding group members is idempotent on the API's side, so that
// POST is retried like a PUT.
func (c *Client) checkRetry(ctx context.Context, method string, o *requestOptions, resp *http.Response, err error) (bool, error) {
	o.sent++
	o.budget.left--
	o.lastErr = err
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry := c.retryPolicy(ctx, method, o, resp, err)
	interrupted := o.stop != nil && o.stop.Err() != nil
	return retry && !interrupted, nil // interrupted: no new attempt; the last answer stands
}

func (c *Client) retryPolicy(ctx context.Context, method string, o *requestOptions, resp *http.Response, err error) bool {
	idempotent := method != http.MethodPost || o.idempotentPost
	unknownOutcome := func() bool {
		switch {
		case idempotent:
			return true
		case o.reconcile != nil:
			return o.reconcile(ctx)
		}
		return false
	}
	if err != nil {
		if retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !retry {
			return false
		}
		if isRefused(err) && isLoopback(c.base.Hostname()) {
			return false
		}
		if isDialError(err) {
			return true // never sent
		}
		return unknownOutcome()
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		c.limited.Add(1)
		return retryAfter(resp) <= c.cfg.MaxRetryWait
	case resp.StatusCode == http.StatusServiceUnavailable && retryAfter(resp) > c.cfg.MaxRetryWait:
		return false
	case resp.StatusCode == http.StatusNotFound && o.retryNotFound:
		return idempotent
	}
	if retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, nil); retry { // 5xx but 501
		return unknownOutcome()
	}
	return false
}

// retryWait is how long to wait before the next attempt (go-retryablehttp's Backoff), and the
// one log line of a retry: what failed and how long the client waits.
func (c *Client) retryWait(logCtx context.Context, method, path string, o *requestOptions, minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := min(backoff(minWait, maxWait, attempt, resp), c.cfg.MaxRetryWait)
	c.retries.Add(1)
	fields := map[string]any{"method": method, "path": path, "attempt": attempt + 1, "wait_seconds": wait.Seconds()}
	if resp != nil {
		fields["status"] = resp.StatusCode
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			fields["retry_after"] = ra
		}
	} else if o.lastErr != nil {
		fields["error"] = c.secrets.mask(o.lastErr.Error())
	}
	tflog.SubsystemWarn(logCtx, logSubsystem, "retrying API request", fields)
	return wait
}

// CreateGuard is what the caller knows about the account before a create. It decides whether a
// create whose outcome is unknown may take as its own the object that a lookup finds afterwards.
type CreateGuard struct {
	// AbsentBefore means the caller checked, before this create (the plan's listing of the
	// account), that no object held this email or name, other than ReplacedID.
	AbsentBefore bool
	// ReplacedID is the object this create replaces (deleted just before it); never adopted.
	ReplacedID string
}

// createReconciled sends a create (POST) and never lets it be applied twice, nor takes someone
// else's object for it. When an attempt's outcome is unknown (a 5xx answer, a connection that
// dropped or timed out after sending, a success without a readable object), the object is looked
// up by its unique key (email, group name) before anything else:
//   - not found: the attempt was not applied, and the POST may be sent again, within the one retry
//     budget of the operation (go-retryablehttp's loop, see checkRetry);
//   - found: it is adopted only when it provably came from this create: guard says the key was
//     free before, it is not the replaced object, and match (what was sent) accepts it. Otherwise
//     the create fails with ErrNotAdopted, changing nothing.
//
// A create in flight when ctx is cancelled (terraform interrupted) is allowed to finish, within
// one request timeout: abandoning it could leave an object that the state does not record, and
// the next apply would then stop on "already exists". No new attempt starts after cancellation.
func createReconciled[T any](ctx context.Context, c *Client, what string, guard CreateGuard,
	post func(context.Context, ...RequestOption) (*T, error),
	find func(context.Context) (*T, error),
	match func(context.Context, *T) error,
	idOf func(*T) string,
) (*T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	graceCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(c.cfg.Timeout, cancel) })
	defer stop()

	var (
		found      *T
		lookupErr  error
		looked     bool
		lastResent bool // the last lookup found nothing, so the POST may have been sent again since
		resent     bool
	)
	reconcile := func(rctx context.Context) bool {
		looked = true
		f, err := find(rctx)
		found, lookupErr, lastResent = nil, nil, false
		switch {
		case err == nil:
			found = f
		case errors.Is(err, ErrNotFound):
			lastResent, resent = true, true
			return true
		default:
			lookupErr = err
		}
		return false
	}
	created, err := post(graceCtx, func(o *requestOptions) { o.reconcile, o.stop = reconcile, ctx })
	if err == nil {
		if idOf(created) != "" {
			return created, nil
		}
		err = &ambiguousError{Method: http.MethodPost, Path: what, Err: errors.New("the API answered success without the created object")}
	}
	// After a POST that was sent again, "already exists" may be the earlier attempt's doing.
	unknown := errors.Is(err, ErrAmbiguous) || errors.Is(err, ErrServer) || (resent && errors.Is(err, ErrAlreadyExists))
	if !unknown {
		return nil, err
	}
	if !looked || lastResent { // the last attempt's outcome has not been looked up yet
		reconcile(graceCtx)
	}
	switch {
	case lookupErr != nil:
		return nil, errors.Join(err, fmt.Errorf("looking up whether the create took effect: %w", lookupErr))
	case found == nil:
		return nil, err // not applied
	}
	id := idOf(found)
	var reason string
	switch {
	case !guard.AbsentBefore:
		reason = "the account was not checked for it before this create, so it may have existed before"
	case id == guard.ReplacedID:
		reason = "it is the object this create replaces"
	default:
		if mismatch := match(graceCtx, found); mismatch != nil {
			reason = mismatch.Error()
		}
	}
	if reason != "" {
		return nil, &notAdoptedError{Err: err, What: what, ID: id, Reason: reason}
	}
	return found, nil
}

// backoff waits as the API asks (Retry-After on 429 and 503), otherwise exponentially from min,
// capped at max, with jitter so that parallel resources do not retry in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d := retryAfter(resp); d > 0 {
			return d + time.Duration(rand.Int64N(int64(100*time.Millisecond))) // #nosec G404 -- jitter, not a secret
		}
	}
	d := minWait << min(attempt, 16)
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)) // #nosec G404 -- jitter, not a secret
}

// maxRetryAfterSeconds keeps an absurd Retry-After from overflowing a time.Duration.
const maxRetryAfterSeconds = 10 * 365 * 24 * 3600

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent, negative, in the past
// or unreadable.
func retryAfter(resp *http.Response) time.Duration {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(min(s, maxRetryAfterSeconds)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

var (
	ratelimitHeader = regexp.MustCompile(`(?:^|;)\s*r=(\d+)\s*;\s*t=(\d+)`)
	policyHeader    = regexp.MustCompile(`(?:^|;)\s*q=(\d+)\s*;\s*w=(\d+)`)
)

// policyShare is the share of the API's quota (Ratelimit-Policy) one provider process uses at
// most. The quota is per user over a sliding window, so a client pacing at exactly the quota's
// rate exceeds it by whatever it sent in a burst or whatever the previous terraform command sent
// just before; 10% headroom absorbs that, and leaves room for a second pipeline on the same token.
const policyShare = 0.9

// adaptRate reads `Ratelimit: "default";r=<remaining>;t=<seconds until reset>` and
// `Ratelimit-Policy: "default";q=<quota>;w=<window seconds>` and sets the shared limiter so that
// the provider stays under the policy's rate and the remaining quota lasts until the window
// resets; it never rises above the configured rate. An answer without these headers (a proxy's
// 502, an injected fault) says nothing about the quota and leaves the rate as it is: only the API
// lifts a throttling it asked for.
func (c *Client) adaptRate(ratelimit, policy string) {
	pm, rm := policyHeader.FindStringSubmatch(policy), ratelimitHeader.FindStringSubmatch(ratelimit)
	if pm == nil && rm == nil {
		return
	}
	limit := c.configured
	if pm != nil {
		quota, _ := strconv.ParseFloat(pm[1], 64)
		window, _ := strconv.ParseFloat(pm[2], 64)
		if window > 0 && quota > 0 {
			limit = min(limit, rate.Limit(policyShare*quota/window))
		}
	}
	if rm != nil {
		remaining, _ := strconv.ParseFloat(rm[1], 64)
		reset, _ := strconv.ParseFloat(rm[2], 64)
		if reset > 0 {
			limit = min(limit, rate.Limit(max(remaining, 1)/reset))
		}
	}
	if c.limiter.Limit() != limit {
		c.limiter.SetLimit(limit)
	}
}

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// notSentError is a request that never left: it could not wait for its turn at the limiter
// (cancelled, or a deadline too close). It is never "ambiguous".
type notSentError struct {
	Method, Path string
	Err          error
}

func (e *notSentError) Error() string {
	return fmt.Sprintf("%s %s: not sent (%v)", e.Method, e.Path, e.Err)
}
func (e *notSentError) Unwrap() error { return e.Err }

// refusedError is a refused connection to a loopback host: nothing listens on that port.
type refusedError struct {
	Method, Path, Host string
	Err                error
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("%s %s: connection refused by %s: nothing is listening there. Check base_url (or CLOUDFLARE_BASE_URL) "+
		"and start the emulator (go run ./cmd/iam-emulator) or the server it points at", e.Method, e.Path, e.Host)
}
func (e *refusedError) Unwrap() error { return e.Err }

// retryWaitTooLongError is an answer whose Retry-After asks for a longer wait than the client
// accepts (Config.MaxRetryWait): the request was not retried.
type retryWaitTooLongError struct {
	*APIError
	Limit time.Duration
}

func (e *retryWaitTooLongError) Error() string {
	return fmt.Sprintf("%s; the API asked to wait %s before retrying (Retry-After), longer than max_retry_wait_seconds (%s), so it was not retried",
		e.APIError.Error(), e.RetryAfter.Round(time.Second), e.Limit)
}
func (e *retryWaitTooLongError) Unwrap() error { return e.APIError }

// notAdoptedError is a create whose outcome is unknown, after which an object with the same
// email or name was found that cannot be proven to come from this create.
type notAdoptedError struct {
	Err      error
	What, ID string
	Reason   string
}

func (e *notAdoptedError) Error() string {
	return fmt.Sprintf("%v. Afterwards %s exists (ID %s), but it was not taken as the created object: %s", e.Err, e.What, e.ID, e.Reason)
}
func (e *notAdoptedError) Unwrap() []error { return []error{ErrNotAdopted, e.Err} }
