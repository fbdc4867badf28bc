package client

import (
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// checkRetry decides, for go-retryablehttp, whether an attempt is repeated.
//
// GET, PUT and DELETE are idempotent: they are retried on 429, on 5xx and on connection errors.
// POST creates something, so it is repeated only when the API provably did not process it: a 429
// (the rate limiter answered before the handler ran) or a connection that was never established.
// After any other failure the caller gets ErrAmbiguous or ErrServer and reconciles by looking the
// object up (see MembersService.Create and UserGroupsService.Create). Adding group members is
// idempotent on the API's side, so that POST is marked idempotent and retried like a PUT.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	method, _ := ctx.Value(methodKey).(string)
	idempotent := method != http.MethodPost || ctx.Value(idempotentPostKey) != nil
	retry := false
	switch {
	case err != nil:
		var certErr *x509.UnknownAuthorityError
		if errors.As(err, &certErr) {
			return false, nil // a TLS problem does not heal by retrying
		}
		retry = idempotent || isDialError(err)
	case resp.StatusCode == http.StatusTooManyRequests:
		c.limited.Add(1)
		retry = true
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		retry = idempotent
	case resp.StatusCode == http.StatusNotFound && ctx.Value(retryNotFoundKey) != nil:
		retry = idempotent
	}
	if retry {
		c.retries.Add(1)
		fields := map[string]any{"method": method}
		if resp != nil {
			fields["status"], fields["path"] = resp.StatusCode, resp.Request.URL.Path
		} else {
			fields["error"] = err.Error()
		}
		tflog.SubsystemWarn(ctx, logSubsystem, "retrying API request", fields)
	}
	return retry, nil
}

// createReconciled sends a create (POST) at most once per attempt, and never twice for one object:
// when an attempt's outcome is unknown (the connection dropped or timed out after sending, or a
// 5xx answer), it looks the object up by its unique key (email, group name) before trying again,
// and returns the object if the earlier attempt took effect. A later attempt answered "already
// exists" means the same. The loop lives here, not in go-retryablehttp, because what happens
// between attempts is an API lookup that a transport retry policy cannot make; the waits and the
// number of attempts are the client's retry settings.
//
// A create in flight when ctx is cancelled (terraform interrupted) is allowed to finish, within
// one request timeout: abandoning it could leave an object that the state does not record, and
// the next apply would then stop on "already exists". No new attempt starts after cancellation.
func createReconciled[T any](ctx context.Context, c *Client, post func(context.Context) (*T, error), find func(context.Context) (*T, error)) (*T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	graceCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(c.cfg.Timeout, cancel) })
	defer stop()

	var firstErr error
	for attempt := 0; ; attempt++ {
		created, err := post(graceCtx)
		if err == nil {
			return created, nil
		}
		retryable := errors.Is(err, ErrAmbiguous) || errors.Is(err, ErrServer)
		if attempt > 0 && errors.Is(err, ErrAlreadyExists) {
			retryable, err = true, firstErr // an earlier attempt did create it; find it below
		}
		if !retryable {
			return nil, err
		}
		if firstErr == nil {
			firstErr = err
		}
		found, ferr := find(graceCtx)
		if ferr == nil {
			return found, nil
		}
		if !errors.Is(ferr, ErrNotFound) {
			return nil, errors.Join(err, ferr)
		}
		if attempt >= c.cfg.MaxRetries || ctx.Err() != nil {
			return nil, err
		}
		tflog.SubsystemWarn(c.maskedLogContext(ctx), logSubsystem, "retrying API request", map[string]any{
			"method": http.MethodPost, "reason": "outcome unknown and the object was not found", "error": err.Error()})
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(backoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, attempt, nil)):
		}
	}
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

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent or unreadable.
func retryAfter(resp *http.Response) time.Duration {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
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
// `Ratelimit-Policy: "default";q=<quota>;w=<window seconds>` and lowers the shared limiter so that
// the provider stays under the policy's rate and the remaining quota lasts until the window
// resets; it never rises above the configured rate.
func (c *Client) adaptRate(ratelimit, policy string) {
	limit := c.configured
	if m := policyHeader.FindStringSubmatch(policy); m != nil {
		quota, _ := strconv.ParseFloat(m[1], 64)
		window, _ := strconv.ParseFloat(m[2], 64)
		if window > 0 && quota > 0 {
			limit = min(limit, rate.Limit(policyShare*quota/window))
		}
	}
	if m := ratelimitHeader.FindStringSubmatch(ratelimit); m != nil {
		remaining, _ := strconv.ParseFloat(m[1], 64)
		reset, _ := strconv.ParseFloat(m[2], 64)
		if reset > 0 {
			limit = min(limit, rate.Limit(max(remaining, 1)/reset))
		}
	}
	if c.limiter.Limit() != limit {
		c.limiter.SetLimit(limit)
	}
}
