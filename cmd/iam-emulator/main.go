// Command iam-emulator serves the account IAM API emulator on a loopback address.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		log.Fatalf("iam-emulator: %v", err)
	}
}

// run serves until ctx ends. It prints one line, "iam-emulator listening on URL", that scripts parse.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flag := flag.NewFlagSet("iam-emulator", flag.ContinueOnError)
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	tokens := flag.String("token", "test-token", "accepted API token(s), comma-separated")
	apiKey := flag.String("api-key", "", "accepted legacy API key (with -email)")
	email := flag.String("email", "", "email of the legacy API key")
	accounts := flag.String("account", emulator.DefaultAccountID, "account ID(s) that exist, comma-separated")
	dataFile := flag.String("data", "", "keep the data in this JSON file across restarts")
	urlFile := flag.String("url-file", "", "write the base URL to this file once listening")
	allowAccept := flag.Bool("allow-direct-accept", false, `accept status "accepted" on member create (else error 1001)`)
	rateLimit := flag.Int("rate-limit", 1200, "requests per -rate-window per credential (0 disables)")
	rateWindow := flag.Duration("rate-window", 5*time.Minute, "rate-limit window")
	newGroup404 := flag.Duration("new-group-404", 0, "a new group's /members answer 404 for this long")
	f429 := flag.Float64("fault-429", 0, "share of requests answered 429 with Retry-After")
	retryAfter := flag.Int("retry-after", 1, "Retry-After seconds of injected 429s")
	f5xx := flag.Float64("fault-5xx", 0, "share of requests answered 500/502/503")
	fSlow := flag.Float64("fault-slow", 0, "share of requests delayed by -slow-delay")
	slowDelay := flag.Duration("slow-delay", 2*time.Second, "delay of slow responses")
	fDropBefore := flag.Float64("fault-drop-before", 0, "share of connections dropped before processing")
	fDropAfter := flag.Float64("fault-drop-after", 0, "share of connections dropped after processing (the ambiguous case)")
	fNull := flag.Float64("fault-null-result", 0, `share of requests processed, then answered success with "result": null`)
	fTrunc := flag.Float64("fault-truncated", 0, "share of requests processed, then answered with half of the body")
	deny := flag.String("deny", "", `answer 403 to requests whose path contains one of these, comma-separated (e.g. "/roles,/iam/permission_groups")`)
	echo := flag.Bool("echo-credentials", false, "lie mode: quote the request's Authorization header in every error message")
	seed := flag.Int64("fault-seed", 1, "seed of the fault generator")
	chKeyID := flag.String("clickhouse-key-id", emulator.DefaultClickHouseKeyID, "accepted ClickHouse API key ID (basic auth user)")
	chKeySecret := flag.String("clickhouse-key-secret", emulator.DefaultClickHouseKeySecret, "accepted ClickHouse API key secret (basic auth password)")
	chOrgs := flag.String("clickhouse-org", emulator.DefaultClickHouseOrgID, "ClickHouse organization ID(s) that exist, comma-separated")
	chRate := flag.Int("clickhouse-rate-limit", 10, "ClickHouse requests per -clickhouse-rate-window per key (0 disables)")
	chWindow := flag.Duration("clickhouse-rate-window", 10*time.Second, "ClickHouse rate-limit window (fixed; 429 says when it resets in X-RateLimit-Reset)")
	chLag := flag.Duration("clickhouse-patch-lag", 0, "ClickHouse reads show a member's old roles this long after a PATCH")
	chTTL := flag.Duration("clickhouse-invitation-ttl", 30*24*time.Hour, "how long a ClickHouse invitation can be accepted")
	verbose := flag.Bool("v", false, "log one line per request to stderr (never credentials)")
	if err := flag.Parse(args); err != nil {
		return err
	}

	host, _, err := net.SplitHostPort(*listen)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return fmt.Errorf("-listen %q must be a loopback address such as 127.0.0.1:8080", *listen)
	}
	srv, err := emulator.New(emulator.Options{
		Tokens: splitList(*tokens), APIKey: *apiKey, Email: *email, Accounts: splitList(*accounts),
		AllowDirectAccept: *allowAccept, RateLimit: *rateLimit, RateWindow: *rateWindow,
		NewGroupMembers404For: *newGroup404, DataFile: *dataFile, Deny: splitList(*deny), EchoCredentials: *echo,
		ClickHouseKeyID: *chKeyID, ClickHouseKeySecret: *chKeySecret, ClickHouseOrgs: splitList(*chOrgs),
		ClickHouseRateLimit: *chRate, ClickHouseRateWindow: *chWindow, ClickHousePatchLag: *chLag, ClickHouseInvitationTTL: *chTTL,
	})
	if err != nil {
		return err
	}
	srv.SetFaults(emulator.Faults{Seed: *seed, RateLimitRatio: *f429, RetryAfterSeconds: *retryAfter, ServerErrorRatio: *f5xx,
		SlowRatio: *fSlow, SlowDelay: *slowDelay, DropBeforeRatio: *fDropBefore, DropAfterRatio: *fDropAfter,
		NullResultRatio: *fNull, TruncatedRatio: *fTrunc})

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
