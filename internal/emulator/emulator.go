// Package emulator is an in-memory fake of the account IAM API in the Cloudflare v4 shape, with
// the real API's envelope, error codes, pagination limits, validation, auth and invitation status,
// plus fault injection; and of the ClickHouse Cloud organization API under ClickHousePrefix
// (clickhouse.go). It is an http.Handler: tests mount it on httptest, cmd/iam-emulator on a
// loopback port.
package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAccountID is the account that exists when Options.Accounts is empty.
const DefaultAccountID = "0123456789abcdef0123456789abcdef"

// Options configure a Server.
type Options struct {
	Tokens                   []string // accepted bearer tokens; default {"test-token"} when no credential is set
	APIKey, Email            string   // accepted legacy key pair
	Accounts                 []string // accounts that exist; default {DefaultAccountID}
	AllowDirectAccept        bool     // accept status "accepted" on create (else error 1001)
	CreateResponseOmitsRoles *bool    // nil = true: the create answer leaves out roles, as reported
	RateLimit                int      // requests per RateWindow per credential; 0 = off
	RateWindow               time.Duration
	NewGroupMembers404For    time.Duration // a new group's /members answer 404 this long (reported eventual consistency)
	// NewGroupMembers404Requests is the same by count: a group created through the API answers 404
	// to its first this many /members requests (independent of the machine's speed, for tests).
	NewGroupMembers404Requests int
	DataFile                   string // JSON persistence, loaded by New and saved after every write
	// Deny answers 403 (code 9109, as the API does for a token without the permission) to every
	// request whose path contains one of these strings, e.g. "/roles": a token that may edit
	// members but not read the roles catalogue. See also SetDenied.
	Deny []string
	// EchoCredentials is a lie mode for testing clients: every error answer quotes the request's
	// Authorization (or X-Auth-Key) header in its message, as some servers and proxies do.
	EchoCredentials bool
	Now             func() time.Time
	Lies            Lies // listings (and answers) that lie; see LieKind

	// ClickHouse Cloud (clickhouse.go).
	ClickHouseKeyID, ClickHouseKeySecret string        // accepted API key; default DefaultClickHouseKeyID/Secret
	ClickHouseOrgs                       []string      // organizations that exist; default {DefaultClickHouseOrgID}
	ClickHouseRateLimit                  int           // requests per ClickHouseRateWindow per key (the API: 10); 0 = off
	ClickHouseRateWindow                 time.Duration // default 10 s
	ClickHousePatchLag                   time.Duration // reads show a member's old roles this long after a PATCH (reported)
	ClickHouseInvitationTTL              time.Duration // default 30 days
}

// Server is the emulator. All methods are safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu     sync.Mutex
	state  *state
	rate   map[string][]time.Time // credential -> request times in the window
	chRate map[string]*chWindow   // ClickHouse key -> its current window
	log    []Request
	faults faultState
	deny   []string
	lies   Lies
}

// New builds a server, loading Options.DataFile when it exists.
func New(opts Options) (*Server, error) {
	if len(opts.Tokens) == 0 && opts.APIKey == "" {
		opts.Tokens = []string{"test-token"}
	}
	if len(opts.Accounts) == 0 {
		opts.Accounts = []string{DefaultAccountID}
	}
	if opts.RateWindow == 0 {
		opts.RateWindow = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClickHouseKeyID == "" && opts.ClickHouseKeySecret == "" {
		opts.ClickHouseKeyID, opts.ClickHouseKeySecret = DefaultClickHouseKeyID, DefaultClickHouseKeySecret
	}
	if len(opts.ClickHouseOrgs) == 0 {
		opts.ClickHouseOrgs = []string{DefaultClickHouseOrgID}
	}
	if opts.ClickHouseRateWindow == 0 {
		opts.ClickHouseRateWindow = 10 * time.Second
	}
	if opts.ClickHouseInvitationTTL == 0 {
		opts.ClickHouseInvitationTTL = defaultInvitationTTL
	}
	s := &Server{opts: opts, state: newState(opts.Accounts), rate: map[string][]time.Time{}, chRate: map[string]*chWindow{}, deny: opts.Deny, lies: opts.Lies}
	for _, o := range opts.ClickHouseOrgs {
		s.state.CHOrgs[o] = newCHOrg()
	}
	s.faults.init()
	if opts.DataFile != "" {
		if err := s.state.load(opts.DataFile); err != nil {
			return nil, err
		}
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	a := "/accounts/{account_id}"
	m.HandleFunc("GET "+a+"/members", s.listMembers)
	m.HandleFunc("POST "+a+"/members", s.createMember)
	m.HandleFunc("GET "+a+"/members/{member_id}", s.getMember)
	m.HandleFunc("PUT "+a+"/members/{member_id}", s.updateMember)
	m.HandleFunc("DELETE "+a+"/members/{member_id}", s.deleteMember)
	g := a + "/iam/user_groups"
	m.HandleFunc("GET "+g, s.listGroups)
	m.HandleFunc("POST "+g, s.createGroup)
	m.HandleFunc("GET "+g+"/{group_id}", s.getGroup)
	m.HandleFunc("PUT "+g+"/{group_id}", s.updateGroup)
	m.HandleFunc("DELETE "+g+"/{group_id}", s.deleteGroup)
	m.HandleFunc("GET "+g+"/{group_id}/members", s.listGroupMembers)
	m.HandleFunc("POST "+g+"/{group_id}/members", s.addGroupMembers)
	m.HandleFunc("PUT "+g+"/{group_id}/members", s.replaceGroupMembers)
	m.HandleFunc("GET "+g+"/{group_id}/members/{member_id}", s.getGroupMember)
	m.HandleFunc("DELETE "+g+"/{group_id}/members/{member_id}", s.removeGroupMember)
	m.HandleFunc("GET "+a+"/roles", s.listCatalog(kindRole))
	m.HandleFunc("GET "+a+"/roles/{id}", s.getCatalog(kindRole))
	m.HandleFunc("GET "+a+"/iam/permission_groups", s.listCatalog(kindPermissionGroup))
	m.HandleFunc("GET "+a+"/iam/permission_groups/{id}", s.getCatalog(kindPermissionGroup))
	m.HandleFunc("GET "+a+"/iam/resource_groups", s.listCatalog(kindResourceGroup))
	m.HandleFunc("GET "+a+"/iam/resource_groups/{id}", s.getCatalog(kindResourceGroup))
	s.clickhouseRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 7000, "No route for that URI")
	})
	s.mux = m
}

// ServeHTTP authenticates, rate-limits, injects faults, routes, and logs the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ClickHouseControlPrefix+"/") { // a person's action, not an API request: not logged
		s.mux.ServeHTTP(w, r)
		return
	}
	if p, ok := strings.CutPrefix(r.URL.Path, "/client/v4"); ok {
		r2 := r.Clone(r.Context())
		r2.URL.Path = p
		r = r2
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	if s.opts.EchoCredentials {
		rec.echo = r.Header.Get("Authorization")
		if rec.echo == "" {
			rec.echo = r.Header.Get("X-Auth-Key")
		}
	}
	entry := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Time: s.opts.Now()}
	defer func() {
		entry.Status = rec.status
		s.mu.Lock()
		s.log = append(s.log, entry)
		s.mu.Unlock()
	}()

	cred, scheme := s.authenticate(r)
	entry.AuthScheme = scheme
	if isClickHouse(r) {
		entry.AuthScheme = "basic"
	}
	if fault := s.nextFault(r); fault != "" {
		entry.Fault = fault
		if s.applyFault(fault, rec, r, cred) {
			return
		}
	}
	s.serve(rec, r, cred)
}

// serve is the processing of a request after any fault that comes before it: authentication,
// rate limit, the account check and the handler.
func (s *Server) serve(rec *statusRecorder, r *http.Request, cred string) {
	if isClickHouse(r) {
		s.serveClickHouse(rec, r)
		return
	}
	if cred == "" {
		writeError(rec, http.StatusForbidden, 10000, "Authentication error")
		return
	}
	if s.denied(r.URL.Path) {
		writeError(rec, http.StatusForbidden, 9109, "Unauthorized to access requested resource")
		return
	}
	if retry, ok := s.takeRate(cred, rec); !ok {
		rec.Header().Set("Retry-After", strconv.Itoa(retry))
		writeError(rec, http.StatusTooManyRequests, 971, "Please wait and consider throttling your request speed")
		return
	}
	// The path values are set only by routing: check the account from the path itself.
	if parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/"); len(parts) >= 2 && parts[0] == "accounts" && !s.accountExists(parts[1]) {
		writeError(rec, http.StatusNotFound, 7003, fmt.Sprintf("Could not route to /accounts/%s, perhaps your object identifier is invalid?", parts[1]))
		return
	}
	s.mux.ServeHTTP(rec, s.withLies(r))
}

// authenticate returns the credential that identifies the caller ("" if none is valid).
func (s *Server) authenticate(r *http.Request) (cred, scheme string) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		for _, t := range s.opts.Tokens {
			if ok && tok == t {
				return "token:" + t, "bearer"
			}
		}
		return "", "bearer"
	}
	if k := r.Header.Get("X-Auth-Key"); k != "" {
		if s.opts.APIKey != "" && k == s.opts.APIKey && strings.EqualFold(r.Header.Get("X-Auth-Email"), s.opts.Email) {
			return "key:" + s.opts.Email, "key"
		}
		return "", "key"
	}
	return "", "none"
}

func (s *Server) accountExists(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.state.Accounts[id]
	return ok
}

// takeRate applies the sliding-window rate limit; it sets the Ratelimit headers on every answer.
func (s *Server) takeRate(cred string, w http.ResponseWriter) (retryAfter int, ok bool) {
	if s.opts.RateLimit <= 0 {
		return 0, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	win := s.opts.RateWindow
	times := s.rate[cred]
	for len(times) > 0 && now.Sub(times[0]) >= win {
		times = times[1:]
	}
	reset := int(win.Seconds())
	if len(times) > 0 {
		reset = int((win - now.Sub(times[0])).Seconds()) + 1
	}
	w.Header().Set("Ratelimit-Policy", fmt.Sprintf(`"default";q=%d;w=%d`, s.opts.RateLimit, int(win.Seconds())))
	if len(times) >= s.opts.RateLimit {
		s.rate[cred] = times
		w.Header().Set("Ratelimit", fmt.Sprintf(`"default";r=0;t=%d`, reset))
		return reset, false
	}
	times = append(times, now)
	s.rate[cred] = times
	w.Header().Set("Ratelimit", fmt.Sprintf(`"default";r=%d;t=%d`, s.opts.RateLimit-len(times), reset))
	return 0, true
}

// SetDenied replaces Options.Deny: requests whose path contains one of these strings answer 403.
func (s *Server) SetDenied(paths ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny = paths
}

func (s *Server) denied(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.deny {
		if d != "" && strings.Contains(path, d) {
			return true
		}
	}
	return false
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	echo   string // EchoCredentials: the credential header quoted in every error message
}

func (r *statusRecorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// Envelope helpers.

type errorItem struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Source  *struct {
		Pointer string `json:"pointer"`
	} `json:"source,omitempty"`
}

type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeResult(w http.ResponseWriter, result any, info *resultInfo) {
	body := map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result}
	if info != nil {
		body["result_info"] = info
	}
	writeJSON(w, http.StatusOK, body)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	if rec, ok := w.(*statusRecorder); ok && rec.echo != "" {
		msg += fmt.Sprintf(" (token %s lacks permission)", rec.echo)
	}
	writeJSON(w, status, map[string]any{"success": false, "errors": []errorItem{{Code: code, Message: msg}}, "messages": []any{}, "result": nil})
}

// paginate applies page/per_page with the endpoint's limits, answering 400 out of range.
func paginate[T any](w http.ResponseWriter, r *http.Request, items []T, def, lo, hi int) {
	paginateRendered(w, r, items, func(t T) T { return t }, def, lo, hi)
}

// paginateRendered is paginate that renders only the items of the requested page, so that
// reading a large account page by page costs the emulator linear, not quadratic, time.
func paginateRendered[T, U any](w http.ResponseWriter, r *http.Request, items []T, render func(T) U, def, lo, hi int) {
	page, perPage := 1, def
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, 1002, "Invalid page: must be an integer >= 1")
			return
		}
		page = n
	}
	if v := r.URL.Query().Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			writeError(w, http.StatusBadRequest, 1002, fmt.Sprintf("Invalid per_page: must be between %d and %d", lo, hi))
			return
		}
		perPage = n
	}
	if r.URL.Query().Get("direction") == "desc" {
		rev := make([]T, len(items))
		for i, it := range items {
			rev[len(items)-1-i] = it
		}
		items = rev
	}
	if lies(r, LieOmit) && len(items) > 1 {
		items = items[:1]
	}
	if lies(r, LieDuplicate) && len(items) > 0 {
		items = append([]T{items[0]}, items...)
	}
	start := min((page-1)*perPage, len(items))
	if lies(r, LieRepeatPage) {
		start = 0
	}
	end := min(start+perPage, len(items))
	if lies(r, LieEmptyPage) && page == 2 {
		end = start
	}
	pageItems := make([]U, 0, end-start)
	for _, it := range items[start:end] {
		pageItems = append(pageItems, render(it))
	}
	info := &resultInfo{Page: page, PerPage: perPage, Count: len(pageItems), TotalCount: len(items), TotalPages: (len(items) + perPage - 1) / perPage}
	if lies(r, LieRepeatPage) {
		info.TotalPages, info.TotalCount = 100000, 100000*perPage
	}
	if lies(r, LieTotalPages) {
		info.TotalPages = 1
	}
	if lies(r, LieEmptyResult) {
		pageItems, info.Count = pageItems[:0], 0
	}
	if lies(r, LieNullResult) {
		info.Count = 0
		writeResult(w, nil, info)
		return
	}
	writeResult(w, pageItems, info)
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: malformed JSON body: "+err.Error())
		return false
	}
	return true
}
