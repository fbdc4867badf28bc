package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/terraform-provider-iam/internal/client"
	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

const chOrg = emulator.DefaultClickHouseOrgID

func newClickHouseEnv(t *testing.T, opts emulator.Options) (*emulator.Server, *client.ClickHouse, string) {
	t.Helper()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	ch, err := client.NewClickHouse(client.ClickHouseConfig{
		Config: client.Config{BaseURL: ts.URL + emulator.ClickHousePrefix, RequestsPerSecond: 1000,
			RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond},
		KeyID: emulator.DefaultClickHouseKeyID, KeySecret: emulator.DefaultClickHouseKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	return srv, ch, ts.URL
}

// The whole life of a ClickHouse membership through the client and the emulator.
func TestClickHouseLifecycle(t *testing.T) {
	srv, ch, base := newClickHouseEnv(t, emulator.Options{ClickHousePatchLag: time.Hour})
	ctx := context.Background()
	admin, member := emulator.ClickHouseRoleIDByName("Admin"), emulator.ClickHouseRoleIDByName("Member")

	roles, err := client.Collect(ch.Roles.List(ctx, chOrg))
	if err != nil || len(roles) != 4 {
		t.Fatalf("roles = %v, %v; want the 4 system roles", roles, err)
	}
	inv, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "Ann@Example.com", RoleIDs: []string{member}})
	if err != nil || inv.Email != "ann@example.com" || inv.ExpireAt.Before(time.Now()) {
		t.Fatalf("Create = %+v, %v; want a pending invitation with the email lowercased", inv, err)
	}
	if _, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "ann@example.com", RoleIDs: []string{member}}); !errors.Is(err, client.ErrInvitationPending) {
		t.Errorf("second Create = %v; want ErrInvitationPending (no second email)", err)
	}
	if _, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "bob@example.com", RoleIDs: []string{"nope"}}); !errors.Is(err, client.ErrValidation) {
		t.Errorf("Create with an unknown role = %v; want ErrValidation", err)
	}

	// The person accepts in the UI (the control endpoint): the invitation is consumed.
	resp, err := http.Post(base+emulator.ClickHouseControlPrefix+"/organizations/"+chOrg+"/invitations/"+inv.ID+"/accept", "application/json", strings.NewReader(`{"name":"Ann"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("accept: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	if _, err := ch.Invitations.Get(ctx, chOrg, inv.ID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("Get of an accepted invitation = %v; want ErrNotFound", err)
	}
	m, err := ch.Members.FindByEmail(ctx, chOrg, "ANN@example.com")
	if err != nil || m.Name != "Ann" || !slices.Equal(m.RoleIDs(), []string{member}) {
		t.Fatalf("FindByEmail = %+v, %v", m, err)
	}
	if _, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "ann@example.com", RoleIDs: []string{member}}); !errors.Is(err, client.ErrAlreadyExists) {
		t.Errorf("inviting a member = %v; want ErrAlreadyExists (409)", err)
	}

	// PATCH: reads lag behind (reported), the stored roles change.
	if _, err := ch.Members.Update(ctx, chOrg, m.UserID, []string{admin}, time.Millisecond); !errors.Is(err, client.ErrReadLag) {
		t.Fatalf("Update during an hour of read lag = %v; want ErrReadLag", err)
	}
	got, err := ch.Members.Get(ctx, chOrg, m.UserID)
	if err != nil || !slices.Equal(got.RoleIDs(), []string{member}) {
		t.Errorf("Get right after PATCH = %+v, %v; want the old roles during the lag", got, err)
	}
	if ms := srv.ClickHouseMembers(chOrg); len(ms) != 1 || !slices.Equal(ms[0].Roles, []string{admin}) {
		t.Errorf("stored members = %+v; want ann with Admin", ms)
	}

	// Expiry, then revoke and removal.
	inv2, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "bob@example.com", RoleIDs: []string{member}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ExpireClickHouseInvitation(chOrg, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if got, err := ch.Invitations.Get(ctx, chOrg, inv2.ID); err != nil || !got.Expired(time.Now()) {
		t.Errorf("expired invitation = %+v, %v", got, err)
	}
	if _, err := srv.AcceptClickHouseInvitation(chOrg, inv2.ID, ""); err == nil {
		t.Error("an expired invitation was accepted")
	}
	if err := ch.Invitations.Delete(ctx, chOrg, inv2.ID); err != nil {
		t.Fatal(err)
	}
	if err := ch.Members.Delete(ctx, chOrg, m.UserID); err != nil {
		t.Fatal(err)
	}
	if err := ch.Members.Delete(ctx, chOrg, m.UserID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("second Delete = %v; want ErrNotFound", err)
	}
}

// Update waits out a short read lag: it returns once a read shows the new roles.
func TestClickHouseUpdateWaitsForReadLag(t *testing.T) {
	srv, ch, _ := newClickHouseEnv(t, emulator.Options{ClickHousePatchLag: 1500 * time.Millisecond})
	ctx := context.Background()
	if _, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "c@example.com", RoleIDs: []string{emulator.ClickHouseRoleIDByName("Member")}}); err != nil {
		t.Fatal(err)
	}
	userID, err := srv.AcceptClickHouseInvitation(chOrg, "c@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	billing := emulator.ClickHouseRoleIDByName("Billing")
	m, err := ch.Members.Update(ctx, chOrg, userID, []string{billing}, 0)
	if err != nil || !slices.Equal(m.RoleIDs(), []string{billing}) {
		t.Fatalf("Update = %+v, %v; want the new roles once reads show them", m, err)
	}
	if n := srv.CountRequests(http.MethodGet, "/members/"+userID); n < 1 {
		t.Errorf("%d GETs after the PATCH; want at least one poll", n)
	}
}

// 429 with X-RateLimit-Reset, 5xx and a connection dropped after the invitation was created all
// converge on exactly one invitation.
func TestClickHouseFaults(t *testing.T) {
	srv, ch, _ := newClickHouseEnv(t, emulator.Options{ClickHouseRateLimit: 3, ClickHouseRateWindow: time.Second})
	ctx := context.Background()
	member := emulator.ClickHouseRoleIDByName("Member")
	isPost := func(r *http.Request) bool { return r.Method == http.MethodPost }
	srv.InjectNext(1, emulator.FaultDropAfter, isPost)
	if _, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "a@example.com", RoleIDs: []string{member}}); err != nil {
		t.Fatalf("Create with the answer dropped = %v; want the invitation found", err)
	}
	srv.InjectNext(1, emulator.FaultServerError, isPost)
	if _, err := ch.Invitations.Create(ctx, chOrg, client.InvitationCreate{Email: "b@example.com", RoleIDs: []string{member}}); err != nil {
		t.Fatalf("Create after a 500 = %v", err)
	}
	for range 3 { // past the window's 3 requests: 429 with X-RateLimit-Reset, then through
		if _, err := client.Collect(ch.Roles.List(ctx, chOrg)); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.ClickHouseInvitationEmails(chOrg); !slices.Equal(got, []string{"a@example.com", "b@example.com"}) {
		t.Errorf("invitations = %v; want exactly one each", got)
	}
	if ch.Stats().RateLimited == 0 || srv.CountRequests("", "/clickhouse/") == 0 {
		t.Errorf("stats %+v: the rate limit was never reached", ch.Stats())
	}
	var sawReset bool
	for _, r := range srv.Requests() {
		sawReset = sawReset || r.Status == http.StatusTooManyRequests
	}
	if !sawReset {
		t.Error("no 429 in the emulator's log")
	}
}
