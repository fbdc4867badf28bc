package clitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// withProviderSettings adds lines to the provider block of ProviderBlock(o).
func withProviderSettings(o ConfigOptions, lines ...string) string {
	b := ProviderBlock(o)
	i := strings.LastIndex(b, "}\n")
	return b[:i] + "  " + strings.Join(lines, "\n  ") + "\n" + b[i:]
}

// members renders n members user%05d@example.com with role, each its own resource.
func members(role string, emails ...string) string {
	var b strings.Builder
	for i, email := range emails {
		fmt.Fprintf(&b, "\nresource \"iam_account_member\" \"m%d\" {\n  email = %q\n  roles = [%q]\n}\n", i, email, role)
	}
	return b.String()
}

// run runs one terraform command without failing the test on a non-zero exit.
func (e *cliEnv) run(t testing.TB, ctx context.Context, args ...string) *Result {
	t.Helper()
	args = append(args, "-input=false", "-no-color")
	res, err := e.WS.Run(ctx, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v", args[0], err)
	}
	return res
}

func isCreate(kind string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, kind)
	}
}

// TestCLIUnknownCreateNeverAdopts: a member and a group that exist before the apply (not in the
// state), and a create of each whose outcome is unknown (a 5xx; a connection dropped after the API
// answered). The lookup finds the existing objects; the apply must not take them over ("Creation
// complete"), change them, or record them: it fails with the import hint.
func TestCLIUnknownCreateNeverAdopts(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	acct := e.Opts.AccountID
	ids, err := e.Server.SeedMembers(acct, 3, "boss") // boss0@example.com: accepted, the first role
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.SeedGroup(acct, "legacy", ids[1:]); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	before, err := c.Members.FindByEmail(context.Background(), acct, "boss0@example.com")
	if err != nil {
		t.Fatal(err)
	}
	dns := e.Server.RoleIDByName("DNS")
	config := ProviderBlock(e.Opts) + members(dns, "boss0@example.com") + "\nresource \"iam_user_group\" \"legacy\" {\n  name = \"legacy\"\n}\n"
	if err := e.WS.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	e.Server.InjectNext(1, emulator.FaultServerError, isCreate("/members"))
	e.Server.InjectNext(1, emulator.FaultDropAfter, isCreate("/user_groups"))
	res := e.run(t, context.Background(), "apply", "-auto-approve")
	if res.ExitCode == 0 || strings.Contains(res.Output, "Creation complete") {
		t.Fatalf("the apply took over objects it did not create (exit %d):\n%s", res.ExitCode, tail(res.Output, 40))
	}
	for _, want := range []string{"terraform import", acct + "/boss0@example.com", acct + "/legacy"} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("the errors do not say %q:\n%s", want, tail(res.Output, 40))
		}
	}
	if got := e.Server.FaultsInjected(); got[emulator.FaultServerError] != 1 || got[emulator.FaultDropAfter] != 1 {
		t.Fatalf("faults injected %v: the test would prove nothing", got)
	}
	after, err := c.Members.FindByEmail(context.Background(), acct, "boss0@example.com")
	if err != nil || after.ID != before.ID || after.Status != "accepted" || len(after.Roles) != 1 || after.Roles[0].ID != before.Roles[0].ID {
		t.Fatalf("the existing member changed: %+v %v", after, err)
	}
	g, err := c.UserGroups.FindByName(context.Background(), acct, "legacy")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Server.GroupMemberIDs(acct, g.ID); len(got) != 2 {
		t.Fatalf("the existing group now has %d members, want its 2", len(got))
	}
	if st := e.terraform(t, "state", "list"); strings.TrimSpace(st.Output) != "" {
		t.Fatalf("the state records objects it did not create: %s", st.Output)
	}
}

// TestCLICreateAnsweredWithoutTheObject: a create answered 200 with "result": null, or with a
// truncated body, took effect: the apply records the object it created (never an empty ID, never
// an orphan), and the next plan is empty.
func TestCLICreateAnsweredWithoutTheObject(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{})
	config := ProviderBlock(e.Opts) + members(e.Opts.RoleID, "null@example.com", "cut@example.com") +
		"\nresource \"iam_user_group\" \"g\" {\n  name = \"cut\"\n}\n"
	if err := e.WS.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	e.Server.InjectNext(1, emulator.FaultNullResult, isCreate("/members"))
	e.Server.InjectNext(1, emulator.FaultTruncated, isCreate("/members"))
	e.Server.InjectNext(1, emulator.FaultNullResult, isCreate("/user_groups"))
	e.terraform(t, "apply", "-auto-approve")
	if got := e.Server.FaultsInjected(); got[emulator.FaultNullResult] != 2 || got[emulator.FaultTruncated] != 1 {
		t.Fatalf("faults injected %v: the test would prove nothing", got)
	}
	if n, g := len(e.Server.MemberIDs(e.Opts.AccountID)), len(e.Server.Groups(e.Opts.AccountID)); n != 2 || g != 1 {
		t.Fatalf("%d members and %d groups, want 2 and 1", n, g)
	}
	show := e.terraform(t, "show", "-no-color")
	if strings.Contains(show.Output, `id            = ""`) || strings.Contains(show.Output, `id = ""`) {
		t.Fatalf("an empty ID in the state:\n%s", show.Output)
	}
	e.expectEmptyPlan(t)
}

// TestCLISecretsNeverShown: a server that quotes the Authorization header in its error messages
// (the emulator's echo mode) must not get the token printed, in the diagnostics or at
// TF_LOG=trace; a token with a trailing newline (from a file or a secret store) works.
func TestCLISecretsNeverShown(t *testing.T) {
	t.Parallel()
	t.Run("echoed by the server", func(t *testing.T) {
		t.Parallel()
		e := newCLIEnv(t, emulator.Options{EchoCredentials: true}, "TF_LOG=trace")
		// status "accepted" is refused by this account (HTTP 400), and the refusal quotes the token.
		config := ProviderBlock(e.Opts) + fmt.Sprintf(`
resource "iam_account_member" "direct" {
  email  = "direct@example.com"
  roles  = [%q]
  status = "accepted"
}
`, e.Opts.RoleID)
		if err := e.WS.WriteConfig(config); err != nil {
			t.Fatal(err)
		}
		res := e.run(t, context.Background(), "apply", "-auto-approve")
		if res.ExitCode == 0 || !strings.Contains(res.Output, "Bearer ***") {
			t.Fatalf("the server's echo did not reach the output (exit %d); the test would prove nothing:\n%s", res.ExitCode, tail(res.Output, 30))
		}
		for i, line := range strings.Split(res.Output, "\n") {
			if strings.Contains(line, testToken) || strings.Contains(line, testToken[len(testToken)-12:]) || strings.Contains(line, testToken[:12]) {
				t.Fatalf("line %d of the output shows the token: %s", i+1, line)
			}
		}
	})
	t.Run("trailing newline", func(t *testing.T) {
		t.Parallel()
		e := newCLIEnv(t, emulator.Options{}, "CLOUDFLARE_API_TOKEN="+testToken+"\n")
		config := strings.Replace(ProviderBlock(e.Opts), `  api_token  = "`+testToken+`"`+"\n", "", 1) + members(e.Opts.RoleID, "nl@example.com")
		e.apply(t, config)
		if n := len(e.Server.MemberIDs(e.Opts.AccountID)); n != 1 {
			t.Fatalf("%d members, want 1", n)
		}
	})
}

// TestCLICatalogChecksAreOptional: a token that may edit members but not read roles (403 on GET
// /roles) plans and applies member creates: the plan warns once that it could not check the role
// IDs. catalog_checks = false skips the reads; `plan -refresh=false` needs no catalogue either.
func TestCLICatalogChecksAreOptional(t *testing.T) {
	t.Parallel()
	e := newCLIEnv(t, emulator.Options{Deny: []string{"/roles"}})
	const warning = "Cannot Check Role IDs At Plan"
	emails := []string{"r1@example.com", "r2@example.com", "r3@example.com"}
	res := e.apply(t, ProviderBlock(e.Opts)+members(e.Opts.RoleID, emails[:2]...))
	if n := strings.Count(res.Output, "Warning: "+warning); n != 1 && n != 2 { // once per provider process: plan, apply
		t.Fatalf("%d warnings %q, want one per run:\n%s", n, warning, tail(res.Output, 30))
	}
	if !strings.Contains(res.Output, "catalog_checks = false") {
		t.Fatalf("the warning does not say how to turn the check off:\n%s", tail(res.Output, 30))
	}
	if n := len(e.Server.MemberIDs(e.Opts.AccountID)); n != 2 {
		t.Fatalf("%d members, want 2", n)
	}
	// Off: no read of the catalogue at all.
	e.Server.ResetRequests()
	res = e.apply(t, withProviderSettings(e.Opts, "catalog_checks = false")+members(e.Opts.RoleID, emails...))
	if strings.Contains(res.Output, warning) || e.Server.CountRequests(http.MethodGet, "/roles") != 0 {
		t.Fatalf("catalog_checks = false still read the roles (%d requests):\n%s", e.Server.CountRequests(http.MethodGet, "/roles"), tail(res.Output, 20))
	}
	// -refresh=false: with no change, no request at all; with a new member, the plan goes on.
	e.Server.ResetRequests()
	res = e.run(t, context.Background(), "plan", "-refresh=false", "-detailed-exitcode")
	if res.ExitCode != 0 || len(e.Server.Requests()) != 0 {
		t.Fatalf("plan -refresh=false without changes: exit %d, %d requests, want 0 and 0:\n%s", res.ExitCode, len(e.Server.Requests()), tail(res.Output, 20))
	}
	if err := e.WS.WriteConfig(ProviderBlock(e.Opts) + members(e.Opts.RoleID, append(emails, "r4@example.com")...)); err != nil {
		t.Fatal(err)
	}
	res = e.run(t, context.Background(), "plan", "-refresh=false", "-detailed-exitcode")
	if res.ExitCode != 2 || !strings.Contains(res.Output, "1 to add") || strings.Count(res.Output, "Warning: "+warning) != 1 {
		t.Fatalf("plan -refresh=false with a new member: exit %d, want 2 with one warning:\n%s", res.ExitCode, tail(res.Output, 30))
	}
}

// TestCLIWaits: the limiter's wait is not part of a request's timeout (the API's rate-limit headers
// slow the provider to about 2 requests per second, the timeout is 1 s, and there are no retries
// to hide a failure: six creates all succeed); a Retry-After of a day is not waited for (the error
// says what the API asked); a refused connection to loopback fails at once and says what to check.
func TestCLIWaits(t *testing.T) {
	t.Parallel()
	t.Run("limiter", func(t *testing.T) {
		t.Parallel()
		e := newCLIEnv(t, emulator.Options{RateLimit: 12, RateWindow: 5 * time.Second})
		emails := []string{"w1@example.com", "w2@example.com", "w3@example.com", "w4@example.com", "w5@example.com", "w6@example.com"}
		o := e.Opts
		o.RequestsPerSecond, o.RequestTimeoutSeconds = 100, 1
		e.apply(t, withProviderSettings(o, "max_retries = 0")+members(o.RoleID, emails...))
		if n := e.Server.CountRequests(http.MethodPost, "/members"); n != len(emails) {
			t.Fatalf("%d POSTs, want %d", n, len(emails))
		}
	})
	t.Run("Retry-After of a day", func(t *testing.T) {
		t.Parallel()
		e := newCLIEnv(t, emulator.Options{})
		if err := e.WS.WriteConfig(ProviderBlock(e.Opts) + members(e.Opts.RoleID, "later@example.com")); err != nil {
			t.Fatal(err)
		}
		e.Server.SetFaults(emulator.Faults{RateLimitRatio: 1, RetryAfterSeconds: 86400})
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		res := e.run(t, ctx, "apply", "-auto-approve")
		if res.ExitCode == 0 || !strings.Contains(res.Output, "asked to wait 24h0m0s") || !strings.Contains(res.Output, "max_retry_wait_seconds") {
			t.Fatalf("exit %d; want an error naming the wait asked for and the setting:\n%s", res.ExitCode, tail(res.Output, 30))
		}
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		e := newCLIEnv(t, emulator.Options{})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		o := e.Opts
		o.BaseURL = "http://" + ln.Addr().String()
		_ = ln.Close()
		if err := e.WS.WriteConfig(ProviderBlock(o) + members(o.RoleID, "nobody@example.com")); err != nil {
			t.Fatal(err)
		}
		res := e.run(t, context.Background(), "plan")
		if res.ExitCode == 0 || !strings.Contains(res.Output, "base_url") || !strings.Contains(res.Output, "start the emulator") {
			t.Fatalf("exit %d; want advice to check base_url and start the emulator:\n%s", res.ExitCode, tail(res.Output, 30))
		}
	})
}
