package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"
)

type policy struct {
	ID               string   `json:"id"`
	Access           string   `json:"access"`
	PermissionGroups []string `json:"permission_groups"`
	ResourceGroups   []string `json:"resource_groups"`
}

type member struct {
	ID        string    `json:"id"`
	Seq       int       `json:"seq"`
	Email     string    `json:"email"`
	Status    string    `json:"status"`
	Roles     []string  `json:"roles"`
	Policies  []policy  `json:"policies"`
	UserID    string    `json:"user_id"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Created   time.Time `json:"created"`
}

type group struct {
	ID         string               `json:"id"`
	Seq        int                  `json:"seq"`
	Name       string               `json:"name"`
	Policies   []policy             `json:"policies"`
	CreatedOn  time.Time            `json:"created_on"`
	ModifiedOn time.Time            `json:"modified_on"`
	Members    map[string]time.Time `json:"members"` // member id -> added at
	// members404Left counts down the /members requests still answered 404 (NewGroupMembers404Requests).
	members404Left int
}

type account struct {
	Members map[string]*member `json:"members"`
	Groups  map[string]*group  `json:"groups"`
}

type state struct {
	Accounts map[string]*account `json:"accounts"`
	CHOrgs   map[string]*chOrg   `json:"clickhouse_organizations,omitempty"`
	Seq      int                 `json:"seq"`
}

func newState(accounts []string) *state {
	st := &state{Accounts: map[string]*account{}, CHOrgs: map[string]*chOrg{}}
	for _, a := range accounts {
		st.Accounts[a] = &account{Members: map[string]*member{}, Groups: map[string]*group{}}
	}
	return st
}

func (st *state) load(path string) error {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator names the data file
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	loaded := &state{}
	if err := json.Unmarshal(b, loaded); err != nil {
		return fmt.Errorf("reading emulator data %s: %w", path, err)
	}
	for id, a := range loaded.Accounts {
		st.Accounts[id] = a
	}
	for id, o := range loaded.CHOrgs {
		st.CHOrgs[id] = o
	}
	st.Seq = loaded.Seq
	return nil
}

func (st *state) save(path string) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// newID returns 32 random lowercase hex characters, the shape of the API's identifiers.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// stableID derives a catalogue ID from a name, so IDs are the same in every run.
func stableID(kind, name string) string {
	sum := sha256.Sum256([]byte(kind + "/" + name))
	return hex.EncodeToString(sum[:16])
}

func (a *account) sortedMembers() []*member {
	out := make([]*member, 0, len(a.Members))
	for _, m := range a.Members {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

func (a *account) sortedGroups() []*group {
	out := make([]*group, 0, len(a.Groups))
	for _, g := range a.Groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// persist saves the data file after a write; the caller holds s.mu.
func (s *Server) persist() {
	if s.opts.DataFile != "" {
		_ = s.state.save(s.opts.DataFile)
	}
}

// Test helpers: direct state access, not through HTTP and not in the request log.

// AcceptInvitation moves a pending member to accepted, as the invitee does outside the API.
func (s *Server) AcceptInvitation(accountID, memberID string) error {
	return s.setMemberStatus(accountID, memberID, "accepted")
}

// RejectInvitation moves a member to rejected, as an invitee who declines the invitation (or an
// invitation that expires) does outside the API. The member stays in the account (and its groups)
// until removed, and its email cannot be invited again until then.
func (s *Server) RejectInvitation(accountID, memberID string) error {
	return s.setMemberStatus(accountID, memberID, "rejected")
}

func (s *Server) setMemberStatus(accountID, memberID, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.state.Accounts[accountID]
	if !ok || a.Members[memberID] == nil {
		return fmt.Errorf("no member %s in account %s", memberID, accountID)
	}
	a.Members[memberID].Status = status
	s.persist()
	return nil
}

// SeedMembers adds n accepted members with the first catalogue role and returns their IDs.
func (s *Server) SeedMembers(accountID string, n int, emailPrefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.state.Accounts[accountID]
	if !ok {
		return nil, fmt.Errorf("no account %s", accountID)
	}
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		s.state.Seq++
		m := &member{ID: newID(), Seq: s.state.Seq, Email: fmt.Sprintf("%s%d@example.com", emailPrefix, i), Status: "accepted",
			Roles: []string{catalog[kindRole][0].ID}, UserID: newID(), FirstName: emailPrefix, LastName: fmt.Sprint(i), Created: s.opts.Now()}
		a.Members[m.ID] = m
		ids = append(ids, m.ID)
	}
	s.persist()
	return ids, nil
}

// SeedGroup creates a group holding memberIDs and returns its ID.
func (s *Server) SeedGroup(accountID, name string, memberIDs []string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.state.Accounts[accountID]
	if !ok {
		return "", fmt.Errorf("no account %s", accountID)
	}
	s.state.Seq++
	now := s.opts.Now().Add(-time.Hour) // old enough to be past any 404 window
	g := &group{ID: newID(), Seq: s.state.Seq, Name: name, Policies: []policy{}, CreatedOn: now, ModifiedOn: now, Members: map[string]time.Time{}}
	for _, id := range memberIDs {
		if a.Members[id] == nil {
			return "", fmt.Errorf("no member %s", id)
		}
		g.Members[id] = now
	}
	a.Groups[g.ID] = g
	s.persist()
	return g.ID, nil
}

// MemberIDs lists the account's member IDs in creation order.
func (s *Server) MemberIDs(accountID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	if a := s.state.Accounts[accountID]; a != nil {
		for _, m := range a.sortedMembers() {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// GroupMemberIDs lists a group's member IDs, sorted.
func (s *Server) GroupMemberIDs(accountID, groupID string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.state.Accounts[accountID]
	if a == nil || a.Groups[groupID] == nil {
		return nil, fmt.Errorf("no group %s in account %s", groupID, accountID)
	}
	ids := make([]string, 0, len(a.Groups[groupID].Members))
	for id := range a.Groups[groupID].Members {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// Groups maps the account's group IDs to names.
func (s *Server) Groups(accountID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	if a := s.state.Accounts[accountID]; a != nil {
		for id, g := range a.Groups {
			out[id] = g.Name
		}
	}
	return out
}

// RoleIDByName returns the ID of a catalogue role, or "".
func (s *Server) RoleIDByName(name string) string { return catalogIDByName(kindRole, name) }

// PermissionGroupIDByName returns the ID of a catalogue permission group, or "".
func (s *Server) PermissionGroupIDByName(name string) string {
	return catalogIDByName(kindPermissionGroup, name)
}

// ResourceGroupIDs returns the resource groups usable in the account's policies.
func (s *Server) ResourceGroupIDs(accountID string) []string {
	var ids []string
	for _, e := range resourceGroupsFor(accountID) {
		ids = append(ids, e.ID)
	}
	return ids
}
