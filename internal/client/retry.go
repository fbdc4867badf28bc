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
	}
	return retry, nil
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
