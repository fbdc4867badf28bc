package emulator

// The ClickHouse Cloud organization API, served by the same server under its own path prefix
// (ClickHousePrefix): HTTP basic auth with a key ID and secret, the {status, requestId, result |
// error} envelope, members (list, get, PATCH assignedRoleIds, delete), invitations (list, create,
// get, delete; email stored lowercased; 409 for an existing member; consumed once accepted), system
// roles, a fixed-window rate limit answered 429 with X-RateLimit-Reset, and an optional read lag
// after a PATCH (reported). What the API leaves to a person (accepting an invitation in the UI) is a
// control endpoint under ClickHouseControlPrefix, and the Accept/Expire methods for in-process tests.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	// ClickHousePrefix is where the ClickHouse API is served; its base URL is <server>/clickhouse/v1.
	ClickHousePrefix = "/clickhouse/v1"
	// ClickHouseControlPrefix holds what people do outside the API (accepting an invitation).
	ClickHouseControlPrefix = "/clickhouse/_emulator"
	// DefaultClickHouseOrgID is the organization that exists when Options.ClickHouseOrgs is empty.
	DefaultClickHouseOrgID = "3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b"
	// DefaultClickHouseKeyID and DefaultClickHouseKeySecret are accepted when no key is configured.
	DefaultClickHouseKeyID     = "test-key-id"
	DefaultClickHouseKeySecret = "test-key-secret" // #nosec G101 -- the emulator's documented test credential
	defaultInvitationTTL       = 30 * 24 * time.Hour
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// clickhouseRoleNames are the system roles every organization has.
var clickhouseRoleNames = []string{"Admin", "Billing", "Member", "Org API reader"}

type chMember struct {
	UserID   string    `json:"user_id"`
	Seq      int       `json:"seq"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	JoinedAt time.Time `json:"joined_at"`
	Roles    []string  `json:"roles"`
	// After a PATCH, reads show PrevRoles until RolesVisibleAt (Options.ClickHousePatchLag).
	PrevRoles      []string  `json:"prev_roles,omitempty"`
	RolesVisibleAt time.Time `json:"roles_visible_at"`
	// LegacyRole is the deprecated `role`, frozen at what it was when the person joined.
	LegacyRole string `json:"legacy_role"`
}

type chInvitation struct {
	ID        string    `json:"id"`
	Seq       int       `json:"seq"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	ExpireAt  time.Time `json:"expire_at"`
	Roles     []string  `json:"roles"`
}

type chOrg struct {
	Members     map[string]*chMember     `json:"members"`
	Invitations map[string]*chInvitation `json:"invitations"`
}

func newCHOrg() *chOrg {
	return &chOrg{Members: map[string]*chMember{}, Invitations: map[string]*chInvitation{}}
}

// stableUUID derives a role ID from its name, the same in every run.
func stableUUID(kind, name string) string {
	sum := sha256.Sum256([]byte("clickhouse/" + kind + "/" + name))
	return formatUUID(sum[:16])
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

func formatUUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func clickhouseRoles() []catalogEntry {
	out := make([]catalogEntry, 0, len(clickhouseRoleNames))
	for _, n := range clickhouseRoleNames {
		out = append(out, catalogEntry{ID: stableUUID("role", n), Name: n})
	}
	return out
}

func clickhouseRoleName(id string) (string, bool) {
	for _, r := range clickhouseRoles() {
		if r.ID == id {
			return r.Name, true
		}
	}
	return "", false
}

// ClickHouseRoleIDByName returns the ID of a system role ("Admin", "Member", ...), or "".
func ClickHouseRoleIDByName(name string) string {
	for _, r := range clickhouseRoles() {
		if r.Name == name {
			return r.ID
		}
	}
	return ""
}

func (s *Server) clickhouseRoutes(m *http.ServeMux) {
	o := ClickHousePrefix + "/organizations/{org_id}"
	m.HandleFunc("GET "+o+"/members", s.chListMembers)
	m.HandleFunc("GET "+o+"/members/{user_id}", s.chGetMember)
	m.HandleFunc("PATCH "+o+"/members/{user_id}", s.chPatchMember)
	m.HandleFunc("DELETE "+o+"/members/{user_id}", s.chDeleteMember)
	m.HandleFunc("GET "+o+"/invitations", s.chListInvitations)
	m.HandleFunc("POST "+o+"/invitations", s.chCreateInvitation)
	m.HandleFunc("GET "+o+"/invitations/{id}", s.chGetInvitation)
	m.HandleFunc("DELETE "+o+"/invitations/{id}", s.chDeleteInvitation)
	m.HandleFunc("GET "+o+"/roles", s.chListRoles)
	m.HandleFunc("GET "+o+"/roles/{id}", s.chGetRole)
	m.HandleFunc(ClickHousePrefix+"/", func(w http.ResponseWriter, _ *http.Request) {
		chError(w, http.StatusNotFound, "No route for that URI")
	})
	c := ClickHouseControlPrefix + "/organizations/{org_id}/invitations/{id}"
	m.HandleFunc("POST "+c+"/accept", s.chControlAccept)
	m.HandleFunc("POST "+c+"/expire", s.chControlExpire)
}

func isClickHouse(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/clickhouse/") }

// serveClickHouse authenticates and rate-limits a ClickHouse request, then routes it. It is called
// by ServeHTTP after fault injection; it reports the caller's credential for the request log.
func (s *Server) serveClickHouse(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.opts.ClickHouseKeyID || pass != s.opts.ClickHouseKeySecret {
		chError(w, http.StatusUnauthorized, "Authentication failed")
		return
	}
	if reset, ok := s.takeClickHouseRate(user); !ok {
		w.Header().Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 1, 64))
		chError(w, http.StatusTooManyRequests, "Too many requests, please try again later")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// takeClickHouseRate applies the fixed-window limit (ClickHouseRateLimit per ClickHouseRateWindow
// per key); when refused it returns the seconds until the window resets.
func (s *Server) takeClickHouseRate(key string) (reset float64, ok bool) {
	if s.opts.ClickHouseRateLimit <= 0 {
		return 0, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	win := s.chRate[key]
	if win == nil || !now.Before(win.start.Add(s.opts.ClickHouseRateWindow)) {
		win = &chWindow{start: now}
		s.chRate[key] = win
	}
	if win.count >= s.opts.ClickHouseRateLimit {
		return math.Max(win.start.Add(s.opts.ClickHouseRateWindow).Sub(now).Seconds(), 0.1), false
	}
	win.count++
	return 0, true
}

type chWindow struct {
	start time.Time
	count int
}

// Envelope helpers.

func chResult(w http.ResponseWriter, result any) {
	body := map[string]any{"status": http.StatusOK, "requestId": newUUID()}
	if result != nil {
		body["result"] = result
	}
	writeJSON(w, http.StatusOK, body)
}

func chError(w http.ResponseWriter, status int, msg string) {
	if rec, ok := w.(*statusRecorder); ok && rec.echo != "" { // the -echo-credentials lie mode
		msg += fmt.Sprintf(" (key %s lacks permission)", rec.echo)
	}
	writeJSON(w, status, map[string]any{"status": status, "error": msg, "requestId": newUUID()})
}

func chDecode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		chError(w, http.StatusBadRequest, "Invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// org returns the organization of the request, answering 400 or 404 itself; the caller holds s.mu.
func (s *Server) org(w http.ResponseWriter, r *http.Request) *chOrg {
	id := r.PathValue("org_id")
	if !uuidPattern.MatchString(id) {
		chError(w, http.StatusBadRequest, "organizationId must be a UUID")
		return nil
	}
	o := s.state.CHOrgs[id]
	if o == nil {
		chError(w, http.StatusNotFound, "Organization not found")
		return nil
	}
	return o
}

func renderAssigned(ids []string) []map[string]any {
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		name, _ := clickhouseRoleName(id)
		out = append(out, map[string]any{"roleId": id, "roleName": name, "roleType": "system"})
	}
	return out
}

func (s *Server) renderCHMember(m *chMember) map[string]any {
	roles := m.Roles
	if s.opts.Now().Before(m.RolesVisibleAt) {
		roles = m.PrevRoles
	}
	return map[string]any{"userId": m.UserID, "name": m.Name, "email": m.Email, "joinedAt": m.JoinedAt.UTC().Format(time.RFC3339),
		"role": m.LegacyRole, "assignedRoles": renderAssigned(roles)}
}

func renderCHInvitation(inv *chInvitation) map[string]any {
	return map[string]any{"id": inv.ID, "email": inv.Email, "createdAt": inv.CreatedAt.UTC().Format(time.RFC3339),
		"expireAt": inv.ExpireAt.UTC().Format(time.RFC3339), "role": "developer", "assignedRoles": renderAssigned(inv.Roles)}
}

// checkRoleIDs returns why ids cannot be assigned, or "".
func checkRoleIDs(ids []string) string {
	if len(ids) == 0 {
		return "assignedRoleIds must hold at least one role ID"
	}
	for _, id := range ids {
		if _, ok := clickhouseRoleName(id); !ok {
			return fmt.Sprintf("role %q does not exist in the organization", id)
		}
	}
	return ""
}

func (s *Server) chListMembers(w http.ResponseWriter, r *http.Request) {
	chList(s, w, r, func(o *chOrg) map[string]*chMember { return o.Members }, func(m *chMember) int { return m.Seq }, s.renderCHMember)
}

// chList answers the whole listing of one of the organization's maps in creation order: the API
// does not page.
func chList[T any](s *Server, w http.ResponseWriter, r *http.Request, objects func(*chOrg) map[string]*T, seq func(*T) int, render func(*T) map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.org(w, r)
	if o == nil {
		return
	}
	items := make([]*T, 0, len(objects(o)))
	for _, it := range objects(o) {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return seq(items[i]) < seq(items[j]) })
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		out = append(out, render(it))
	}
	chResult(w, out)
}

func (s *Server) chGetMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.org(w, r); o != nil {
		if m := o.Members[r.PathValue("user_id")]; m != nil {
			chResult(w, s.renderCHMember(m))
			return
		}
		chError(w, http.StatusNotFound, "Member not found")
	}
}

func (s *Server) chPatchMember(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AssignedRoleIDs *[]string `json:"assignedRoleIds"`
		Role            *string   `json:"role"`
	}
	if !chDecode(w, r, &in) {
		return
	}
	if in.AssignedRoleIDs == nil {
		msg := "assignedRoleIds is required"
		if in.Role != nil {
			msg = "The role field is not supported for organizations with custom roles; use assignedRoleIds"
		}
		chError(w, http.StatusBadRequest, msg)
		return
	}
	if msg := checkRoleIDs(*in.AssignedRoleIDs); msg != "" {
		chError(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.org(w, r)
	if o == nil {
		return
	}
	m := o.Members[r.PathValue("user_id")]
	if m == nil {
		chError(w, http.StatusNotFound, "Member not found")
		return
	}
	now := s.opts.Now()
	if now.Before(m.RolesVisibleAt) { // a PATCH during the lag: the old view stays until the new one shows
		m.Roles = slices.Clone(*in.AssignedRoleIDs)
	} else {
		m.PrevRoles, m.Roles = m.Roles, slices.Clone(*in.AssignedRoleIDs)
	}
	m.RolesVisibleAt = now.Add(s.opts.ClickHousePatchLag)
	s.persist()
	chResult(w, s.renderCHMember(m))
}

func (s *Server) chDeleteMember(w http.ResponseWriter, r *http.Request) {
	chDelete(s, w, r, func(o *chOrg) map[string]*chMember { return o.Members }, "user_id", "Member not found")
}

// chDelete deletes the object named by the path value key from the organization's map.
func chDelete[T any](s *Server, w http.ResponseWriter, r *http.Request, objects func(*chOrg) map[string]*T, key, notFound string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.org(w, r)
	if o == nil {
		return
	}
	m, id := objects(o), r.PathValue(key)
	if m[id] == nil {
		chError(w, http.StatusNotFound, notFound)
		return
	}
	delete(m, id)
	s.persist()
	chResult(w, nil)
}

func (s *Server) chListInvitations(w http.ResponseWriter, r *http.Request) {
	chList(s, w, r, func(o *chOrg) map[string]*chInvitation { return o.Invitations }, func(i *chInvitation) int { return i.Seq }, renderCHInvitation)
}

func (s *Server) chGetInvitation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.org(w, r); o != nil {
		if inv := o.Invitations[r.PathValue("id")]; inv != nil {
			chResult(w, renderCHInvitation(inv))
			return
		}
		chError(w, http.StatusNotFound, "Invitation not found")
	}
}

func (s *Server) chCreateInvitation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email           string   `json:"email"`
		AssignedRoleIDs []string `json:"assignedRoleIds"`
		Role            string   `json:"role"`
	}
	if !chDecode(w, r, &in) {
		return
	}
	if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email {
		chError(w, http.StatusBadRequest, "email must be a valid email address")
		return
	}
	roles := in.AssignedRoleIDs
	if len(roles) == 0 && in.Role != "" { // deprecated: admin or developer
		switch in.Role {
		case "admin":
			roles = []string{ClickHouseRoleIDByName("Admin")}
		case "developer":
			roles = []string{ClickHouseRoleIDByName("Member")}
		default:
			chError(w, http.StatusBadRequest, "role must be admin or developer")
			return
		}
	}
	if msg := checkRoleIDs(roles); msg != "" {
		chError(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.org(w, r)
	if o == nil {
		return
	}
	email := strings.ToLower(in.Email)
	for _, m := range o.Members {
		if strings.EqualFold(m.Email, email) {
			chError(w, http.StatusConflict, "User with this email is already a member of the organization")
			return
		}
	}
	s.state.Seq++
	now := s.opts.Now()
	inv := &chInvitation{ID: newUUID(), Seq: s.state.Seq, Email: email, CreatedAt: now, ExpireAt: now.Add(s.opts.ClickHouseInvitationTTL),
		Roles: slices.Clone(roles)}
	o.Invitations[inv.ID] = inv
	s.persist()
	chResult(w, renderCHInvitation(inv))
}

func (s *Server) chDeleteInvitation(w http.ResponseWriter, r *http.Request) {
	chDelete(s, w, r, func(o *chOrg) map[string]*chInvitation { return o.Invitations }, "id", "Invitation not found")
}

func renderCHRole(e catalogEntry) map[string]any {
	return map[string]any{"id": e.ID, "name": e.Name, "type": "system", "actors": []string{}, "policies": []any{}}
}

func (s *Server) chListRoles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.org(w, r) == nil {
		return
	}
	out := []map[string]any{}
	for _, e := range clickhouseRoles() {
		out = append(out, renderCHRole(e))
	}
	chResult(w, out)
}

func (s *Server) chGetRole(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.org(w, r) == nil {
		return
	}
	for _, e := range clickhouseRoles() {
		if e.ID == r.PathValue("id") {
			chResult(w, renderCHRole(e))
			return
		}
	}
	chError(w, http.StatusNotFound, "Role not found")
}

// Control endpoints: what the invited person does in the UI.

func (s *Server) chControlAccept(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if r.ContentLength != 0 && !chDecode(w, r, &in) {
		return
	}
	userID, err := s.AcceptClickHouseInvitation(r.PathValue("org_id"), r.PathValue("id"), in.Name)
	if err != nil {
		chError(w, http.StatusNotFound, err.Error())
		return
	}
	chResult(w, map[string]any{"userId": userID})
}

func (s *Server) chControlExpire(w http.ResponseWriter, r *http.Request) {
	if err := s.ExpireClickHouseInvitation(r.PathValue("org_id"), r.PathValue("id")); err != nil {
		chError(w, http.StatusNotFound, err.Error())
		return
	}
	chResult(w, nil)
}

// findCHInvitation finds an invitation by ID or by email; the caller holds s.mu.
func (s *Server) findCHInvitation(orgID, idOrEmail string) (*chOrg, *chInvitation, error) {
	o := s.state.CHOrgs[orgID]
	if o == nil {
		return nil, nil, fmt.Errorf("no organization %s", orgID)
	}
	if inv := o.Invitations[idOrEmail]; inv != nil {
		return o, inv, nil
	}
	for _, inv := range o.Invitations {
		if strings.EqualFold(inv.Email, idOrEmail) {
			return o, inv, nil
		}
	}
	return nil, nil, fmt.Errorf("no invitation %s in organization %s", idOrEmail, orgID)
}

// AcceptClickHouseInvitation does what the invited person does in the UI: the invitation (by ID
// or email) is consumed and the person becomes a member with its roles. It returns the user ID.
func (s *Server) AcceptClickHouseInvitation(orgID, invitationIDOrEmail, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, inv, err := s.findCHInvitation(orgID, invitationIDOrEmail)
	if err != nil {
		return "", err
	}
	if !s.opts.Now().Before(inv.ExpireAt) {
		return "", fmt.Errorf("invitation %s expired at %s", inv.ID, inv.ExpireAt.Format(time.RFC3339))
	}
	if name == "" {
		name = strings.SplitN(inv.Email, "@", 2)[0]
	}
	s.state.Seq++
	m := &chMember{UserID: newUUID(), Seq: s.state.Seq, Name: name, Email: inv.Email, JoinedAt: s.opts.Now(), Roles: slices.Clone(inv.Roles),
		LegacyRole: "developer"}
	if slices.Contains(inv.Roles, ClickHouseRoleIDByName("Admin")) {
		m.LegacyRole = "admin"
	}
	o.Members[m.UserID] = m
	delete(o.Invitations, inv.ID)
	s.persist()
	return m.UserID, nil
}

// ExpireClickHouseInvitation makes an invitation (by ID or email) expire now.
func (s *Server) ExpireClickHouseInvitation(orgID, invitationIDOrEmail string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, inv, err := s.findCHInvitation(orgID, invitationIDOrEmail)
	if err != nil {
		return err
	}
	inv.ExpireAt = s.opts.Now().Add(-time.Second)
	s.persist()
	return nil
}

// ClickHouseMember is a member as tests see it.
type ClickHouseMember struct {
	UserID, Email, Name string
	Roles               []string // the stored roles, regardless of the read lag
}

// ClickHouseMembers lists the organization's members in joining order.
func (s *Server) ClickHouseMembers(orgID string) []ClickHouseMember {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ClickHouseMember
	if o := s.state.CHOrgs[orgID]; o != nil {
		for _, m := range o.Members {
			out = append(out, ClickHouseMember{UserID: m.UserID, Email: m.Email, Name: m.Name, Roles: slices.Clone(m.Roles)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out
}

// ClickHouseInvitationEmails lists the emails of the organization's invitations (one entry per
// invitation, so a duplicate invitation shows twice), sorted.
func (s *Server) ClickHouseInvitationEmails(orgID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if o := s.state.CHOrgs[orgID]; o != nil {
		for _, inv := range o.Invitations {
			out = append(out, inv.Email)
		}
	}
	sort.Strings(out)
	return out
}
