// Command iam-emulator serves the account IAM API emulator on a loopback address.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	switch {
	case errors.Is(err, flag.ErrHelp): // -h: the usage went to stdout
	case err != nil:
		fmt.Fprintf(os.Stderr, "iam-emulator: %v\n", err)
		stop()
		os.Exit(2)
	}
}

// run serves until ctx ends. It prints one line, "iam-emulator listening on URL", that scripts parse.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("iam-emulator", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	tokens := fs.String("token", "test-token", "accepted API token(s), comma-separated")
	apiKey := fs.String("api-key", "", "accepted legacy API key (with -email)")
	email := fs.String("email", "", "email of the legacy API key")
	accounts := fs.String("account", emulator.DefaultAccountID, "account ID(s) that exist, comma-separated")
	dataFile := fs.String("data", "", "keep the data in this JSON file across restarts")
	urlFile := fs.String("url-file", "", "write the base URL to this file once listening")
	allowAccept := fs.Bool("allow-direct-accept", false, `accept status "accepted" on member create (else error 1001)`)
	rateLimit := fs.Int("rate-limit", 1200, "requests per -rate-window per credential (0 disables)")
	rateWindow := fs.Duration("rate-window", 5*time.Minute, "rate-limit window")
	newGroup404 := fs.Duration("new-group-404", 0, "a new group's /members answer 404 for this long")
	f429 := fs.Float64("fault-429", 0, "share of requests answered 429 with Retry-After")
	retryAfter := fs.Int("retry-after", 1, "Retry-After seconds of injected 429s")
	f5xx := fs.Float64("fault-5xx", 0, "share of requests answered 500/502/503")
	fSlow := fs.Float64("fault-slow", 0, "share of requests delayed by -slow-delay")
	slowDelay := fs.Duration("slow-delay", 2*time.Second, "delay of slow responses")
	fDropBefore := fs.Float64("fault-drop-before", 0, "share of connections dropped before processing")
	fDropAfter := fs.Float64("fault-drop-after", 0, "share of connections dropped after processing (the ambiguous case)")
	fNull := fs.Float64("fault-null-result", 0, `share of requests processed, then answered success with "result": null`)
	fTrunc := fs.Float64("fault-truncated", 0, "share of requests processed, then answered with half of the body")
	deny := fs.String("deny", "", `answer 403 to requests whose path contains one of these, comma-separated (e.g. "/roles,/iam/permission_groups")`)
	echo := fs.Bool("echo-credentials", false, "lie mode: quote the request's Authorization header in every error message")
	seed := fs.Int64("fault-seed", 1, "seed of the fault generator")
	chKeyID := fs.String("clickhouse-key-id", emulator.DefaultClickHouseKeyID, "accepted ClickHouse API key ID (basic auth user)")
	chKeySecret := fs.String("clickhouse-key-secret", emulator.DefaultClickHouseKeySecret, "accepted ClickHouse API key secret (basic auth password)")
	chOrgs := fs.String("clickhouse-org", emulator.DefaultClickHouseOrgID, "ClickHouse organization ID(s) that exist, comma-separated")
	chRate := fs.Int("clickhouse-rate-limit", 10, "ClickHouse requests per -clickhouse-rate-window per key (0 disables)")
	chWindow := fs.Duration("clickhouse-rate-window", 10*time.Second, "ClickHouse rate-limit window (fixed; 429 says when it resets in X-RateLimit-Reset)")
	chLag := fs.Duration("clickhouse-patch-lag", 0, "ClickHouse reads show a member's old roles this long after a PATCH")
	chTTL := fs.Duration("clickhouse-invitation-ttl", 30*24*time.Hour, "how long a ClickHouse invitation can be accepted")
	fHTML404 := fs.Float64("fault-html-404", 0, "share of requests answered 404 with a proxy's HTML page instead of the API's JSON")
	lieList := fs.String("lie", "", "comma-separated ways listings lie, to test that a client never takes them as complete:\n"+lieHelp())
	liePath := fs.String("lie-path", "", "lie only on paths containing this (such as /members); empty for all")
	verbose := fs.Bool("v", false, "log one line per request to stderr (never credentials)")
	createOmitsRoles := fs.Bool("create-omits-roles", true, "the member create answer leaves out roles, as reported of the real API (false: include them)")
	newGroup404Requests := fs.Int("new-group-404-requests", 0, "a new group's first this many /members requests answer 404")
	fs.SetOutput(io.Discard) // a bad flag is one line (from main), not the whole usage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			_, _ = fmt.Fprintf(stdout, "Usage of iam-emulator (an in-memory stand-in for the account IAM API):\n")
			fs.PrintDefaults()
			return err
		}
		return fmt.Errorf("%w (run iam-emulator -h for the flags)", err)
	}
	if err := checkFlags(fs); err != nil {
		return err
	}
	lies, err := emulator.ParseLies(*lieList)
	if err != nil {
		return fmt.Errorf("-lie: %w", err)
	}

	var host string
	host, _, err = net.SplitHostPort(*listen)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return fmt.Errorf("-listen %q must be a loopback address such as 127.0.0.1:8080", *listen)
	}
	srv, err := emulator.New(emulator.Options{
		Tokens: splitList(*tokens), APIKey: *apiKey, Email: *email, Accounts: splitList(*accounts),
		AllowDirectAccept: *allowAccept, RateLimit: *rateLimit, RateWindow: *rateWindow,
		NewGroupMembers404For: *newGroup404, NewGroupMembers404Requests: *newGroup404Requests, CreateResponseOmitsRoles: createOmitsRoles,
		DataFile: *dataFile, Deny: splitList(*deny), EchoCredentials: *echo,
		Lies:            emulator.Lies{Kinds: lies, PathContains: *liePath},
		ClickHouseKeyID: *chKeyID, ClickHouseKeySecret: *chKeySecret, ClickHouseOrgs: splitList(*chOrgs),
		ClickHouseRateLimit: *chRate, ClickHouseRateWindow: *chWindow, ClickHousePatchLag: *chLag, ClickHouseInvitationTTL: *chTTL,
	})
	if err != nil {
		return err
	}
	srv.SetFaults(emulator.Faults{Seed: *seed, RateLimitRatio: *f429, RetryAfterSeconds: *retryAfter, ServerErrorRatio: *f5xx,
		SlowRatio: *fSlow, SlowDelay: *slowDelay, DropBeforeRatio: *fDropBefore, DropAfterRatio: *fDropAfter,
		NullResultRatio: *fNull, TruncatedRatio: *fTrunc, HTML404Ratio: *fHTML404})

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	var handler http.Handler = srv
	if *verbose {
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.ServeHTTP(w, r)
			reqs := srv.Requests()
			if len(reqs) > 0 {
				last := reqs[len(reqs)-1]
				fmt.Fprintf(os.Stderr, "%s %s %d %s\n", last.Method, last.Path, last.Status, last.Fault)
			}
		})
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	if _, err := fmt.Fprintf(stdout, "iam-emulator listening on %s\n(ClickHouse Cloud API at %s%s; accept an invitation with POST %s%s/organizations/ORG/invitations/ID_OR_EMAIL/accept)\n",
		url, url, emulator.ClickHousePrefix, url, emulator.ClickHouseControlPrefix); err != nil {
		_ = ln.Close()
		return err
	}
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url), 0o600); err != nil {
			_ = ln.Close()
			return err
		}
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second) // ctx is done by now
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lieHelp describes every lie, one per line, for -h.
func lieHelp() string {
	var b strings.Builder
	for _, k := range emulator.LieKinds {
		fmt.Fprintf(&b, "  %-13s %s\n", k, emulator.LieDescription(k))
	}
	return strings.TrimRight(b.String(), "\n")
}

// checkFlags refuses values the emulator would otherwise take silently: account IDs that are not
// 32 lowercase hex characters, shares outside 0..1 (or adding up to more than 1), negative counts
// and durations. The error is one line naming the flag.
func checkFlags(fs *flag.FlagSet) error {
	var err error
	faultSum := 0.0
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		v := f.Value.String()
		switch g := f.Value.(flag.Getter).Get().(type) {
		case float64:
			if strings.HasPrefix(f.Name, "fault-") {
				if g < 0 || g > 1 {
					err = fmt.Errorf("-%s %s: a share of requests must be between 0 and 1 (0.1 is one request in ten)", f.Name, v)
				}
				faultSum += g
			}
		case int:
			if g < 0 {
				err = fmt.Errorf("-%s %s: must not be negative", f.Name, v)
			}
		case int64:
			if g < 0 && f.Name != "fault-seed" {
				err = fmt.Errorf("-%s %s: must not be negative", f.Name, v)
			}
		case time.Duration:
			if g < 0 {
				err = fmt.Errorf("-%s %s: must not be negative", f.Name, v)
			}
		}
		if f.Name == "account" {
			for _, id := range splitList(v) {
				if !isAccountID(id) {
					err = fmt.Errorf("-account %q: an account ID is 32 lowercase hexadecimal characters, e.g. %s", id, emulator.DefaultAccountID)
					return
				}
			}
			if len(splitList(v)) == 0 {
				err = fmt.Errorf("-account %q: name at least one account ID", v)
			}
		}
	})
	if err == nil && faultSum > 1 {
		err = fmt.Errorf("the -fault-* shares add up to %.2f: together they must be at most 1", faultSum)
	}
	return err
}

// accountIDPattern is the shape of an account ID: 32 lowercase hexadecimal characters.
var accountIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func isAccountID(s string) bool { return accountIDPattern.MatchString(s) }
