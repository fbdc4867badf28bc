package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

func renderGroup(acct string, g *group) map[string]any {
	return map[string]any{"id": g.ID, "name": g.Name, "policies": renderPolicies(acct, g.Policies),
		"created_on": g.CreatedOn.UTC().Format(time.RFC3339), "modified_on": g.ModifiedOn.UTC().Format(time.RFC3339)}
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	q := r.URL.Query()
	s.mu.Lock()
	items := []map[string]any{}
	for _, g := range s.state.Accounts[acct].sortedGroups() {
		if id := q.Get("id"); id != "" && g.ID != id {
			continue
		}
		if name := q.Get("name"); name != "" && g.Name != name {
			continue
		}
		if fz := q.Get("fuzzyName"); fz != "" && !strings.Contains(strings.ToLower(g.Name), strings.ToLower(fz)) {
			continue
		}
		items = append(items, renderGroup(acct, g))
	}
	s.mu.Unlock()
	if !sortForDirection(w, r, items, "name") {
		return
	}
	paginate(w, r, items, 20, 1, 50)
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.state.Accounts[acct].Groups[r.PathValue("group_id")]
	if g == nil {
		writeError(w, http.StatusNotFound, 1003, "User group not found")
		return
	}
	writeResult(w, renderGroup(acct, g), nil)
}

type groupBody struct {
	Name     *string     `json:"name"`
	Policies *[]policyIn `json:"policies"`
}

// applyGroupBody validates a body into g; the caller holds s.mu.
func (s *Server) applyGroupBody(w http.ResponseWriter, acct string, g *group, in groupBody, update bool) bool {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" {
			writeError(w, http.StatusBadRequest, 1001, "Invalid request: name must not be empty")
			return false
		}
		if utf8.RuneCountInString(*in.Name) > 255 { // the API counts characters, not bytes
			writeError(w, http.StatusBadRequest, 1001, "Invalid request: name must be at most 255 characters")
			return false
		}
		for _, other := range s.state.Accounts[acct].Groups {
			if other.ID != g.ID && other.Name == *in.Name {
				writeError(w, http.StatusBadRequest, 1004, fmt.Sprintf("a user group named %q already exists", *in.Name))
				return false
			}
		}
		g.Name = *in.Name
	}
	if in.Policies != nil {
		ps, msg := validatePolicies(acct, *in.Policies, update)
		if msg != "" {
			writeError(w, http.StatusBadRequest, 1001, "Invalid request: "+msg)
			return false
		}
		g.Policies = ps
	}
	return true
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	var in groupBody
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Name == nil {
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: name is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	g := &group{Policies: []policy{}, CreatedOn: now, ModifiedOn: now, Members: map[string]time.Time{}}
	if !s.applyGroupBody(w, acct, g, in, false) {
		return
	}
	s.state.Seq++
	g.ID, g.Seq, g.members404Left = newID(), s.state.Seq, s.opts.NewGroupMembers404Requests
	s.state.Accounts[acct].Groups[g.ID] = g
	s.persist()
	writeResult(w, renderGroup(acct, g), nil)
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	var in groupBody
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.state.Accounts[acct].Groups[r.PathValue("group_id")]
	if g == nil {
		writeError(w, http.StatusNotFound, 1003, "User group not found")
		return
	}
	updated := *g
	if !s.applyGroupBody(w, acct, &updated, in, true) {
		return
	}
	if in.Policies == nil { // policy IDs are reissued on every write
		for i := range updated.Policies {
			updated.Policies[i].ID = newID()
		}
	}
	updated.ModifiedOn = s.opts.Now()
	*g = updated
	s.persist()
	writeResult(w, renderGroup(acct, g), nil)
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request) {
	acct, id := r.PathValue("account_id"), r.PathValue("group_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.Accounts[acct].Groups[id] == nil {
		writeError(w, http.StatusNotFound, 1003, "User group not found")
		return
	}
	delete(s.state.Accounts[acct].Groups, id)
	s.persist()
	writeResult(w, map[string]any{"id": id}, nil)
}

// groupForMembers finds the group of a /members request, honouring the new-group 404 window; the
// caller holds s.mu.
func (s *Server) groupForMembers(w http.ResponseWriter, r *http.Request) (*group, bool) {
	g := s.state.Accounts[r.PathValue("account_id")].Groups[r.PathValue("group_id")]
	if g == nil || (s.opts.NewGroupMembers404For > 0 && s.opts.Now().Sub(g.CreatedOn) < s.opts.NewGroupMembers404For) {
		writeError(w, http.StatusNotFound, 1003, "User group not found")
		return nil, false
	}
	if g.members404Left > 0 {
		g.members404Left--
		writeError(w, http.StatusNotFound, 1003, "User group not found")
		return nil, false
	}
	return g, true
}

func renderGroupMember(m *member) map[string]any {
	return map[string]any{"id": m.ID, "email": m.Email, "status": m.Status}
}

func (s *Server) sortedGroupMembers(acct string, g *group) []map[string]any {
	ids := make([]string, 0, len(g.Members))
	for id := range g.Members {
		ids = append(ids, id)
	}
	a := s.state.Accounts[acct]
	sort.Slice(ids, func(i, j int) bool { return a.Members[ids[i]].Seq < a.Members[ids[j]].Seq })
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, renderGroupMember(a.Members[id]))
	}
	return out
}

func (s *Server) listGroupMembers(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	s.mu.Lock()
	g, ok := s.groupForMembers(w, r)
	if !ok {
		s.mu.Unlock()
		return
	}
	items := s.sortedGroupMembers(acct, g)
	s.mu.Unlock()
	if fz := strings.ToLower(r.URL.Query().Get("fuzzyEmail")); fz != "" {
		var filtered []map[string]any
		for _, it := range items {
			if email, _ := it["email"].(string); strings.Contains(strings.ToLower(email), fz) {
				filtered = append(filtered, it)
			}
		}
		items = filtered
	}
	if !sortForDirection(w, r, items, "email") {
		return
	}
	paginate(w, r, items, 50, 1, 500)
}

// readMemberRefs decodes the bare-array body [{"id"}]. Whether the members are in the account is
// checked by the caller under the same lock as its write (a member deleted in between must not
// leave a dangling ID in the group).
func readMemberRefs(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	var raw json.RawMessage
	if !decodeBody(w, r, &raw) {
		return nil, false
	}
	var refs []idRef
	if err := json.Unmarshal(raw, &refs); err != nil {
		writeError(w, http.StatusBadRequest, 1001, `Invalid request: the body must be a JSON array of {"id": "<member id>"} objects`)
		return nil, false
	}
	ids := make([]string, 0, len(refs))
	for _, ref := range refs {
		ids = append(ids, ref.ID)
	}
	return ids, true
}

func (s *Server) addGroupMembers(w http.ResponseWriter, r *http.Request) {
	s.writeGroupMembers(w, r, false)
}

func (s *Server) replaceGroupMembers(w http.ResponseWriter, r *http.Request) {
	s.writeGroupMembers(w, r, true)
}

func (s *Server) writeGroupMembers(w http.ResponseWriter, r *http.Request, replace bool) {
	acct := r.PathValue("account_id")
	ids, ok := readMemberRefs(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if s.state.Accounts[acct].Members[id] == nil {
			writeError(w, http.StatusBadRequest, 1001, fmt.Sprintf("Invalid request: member %q is not a member of the account", id))
			return
		}
	}
	g, ok := s.groupForMembers(w, r)
	if !ok {
		return
	}
	now := s.opts.Now()
	if replace {
		old := g.Members
		g.Members = map[string]time.Time{}
		for _, id := range ids {
			if t, ok := old[id]; ok {
				g.Members[id] = t
			} else {
				g.Members[id] = now
			}
		}
	} else {
		for _, id := range ids {
			if _, ok := g.Members[id]; !ok {
				g.Members[id] = now
			}
		}
	}
	s.persist()
	if replace {
		writeResult(w, s.sortedGroupMembers(acct, g), nil)
		return
	}
	added := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		added = append(added, renderGroupMember(s.state.Accounts[acct].Members[id]))
	}
	if lies(r, LiePOSTObject) && len(added) > 0 {
		writeResult(w, added[0], nil)
		return
	}
	writeResult(w, added, nil)
}

func (s *Server) getGroupMember(w http.ResponseWriter, r *http.Request) {
	acct, id := r.PathValue("account_id"), r.PathValue("member_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groupForMembers(w, r)
	if !ok {
		return
	}
	at, in := g.Members[id]
	if !in {
		writeError(w, http.StatusNotFound, 1003, "Member not found in user group")
		return
	}
	m := s.state.Accounts[acct].Members[id]
	res := renderGroupMember(m)
	res["created_at"] = at.UTC().Format(time.RFC3339)
	res["user"] = map[string]any{"id": m.UserID, "email": m.Email, "first_name": m.FirstName, "last_name": m.LastName}
	writeResult(w, res, nil)
}

func (s *Server) removeGroupMember(w http.ResponseWriter, r *http.Request) {
	acct, id := r.PathValue("account_id"), r.PathValue("member_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groupForMembers(w, r)
	if !ok {
		return
	}
	if _, in := g.Members[id]; !in {
		writeError(w, http.StatusNotFound, 1003, "Member not found in user group")
		return
	}
	delete(g.Members, id)
	s.persist()
	writeResult(w, renderGroupMember(s.state.Accounts[acct].Members[id]), nil)
}

// sortForDirection sorts rendered items by key (ascending; paginate reverses for desc) when the
// request names a direction, which the API documents as sorting user groups by name and group
// members by email. Any other direction than asc or desc is refused.
func sortForDirection(w http.ResponseWriter, r *http.Request, items []map[string]any, key string) bool {
	dir := r.URL.Query().Get("direction")
	switch dir {
	case "":
		return true
	case "asc", "desc":
	default:
		writeError(w, http.StatusBadRequest, 1002, "Invalid direction: must be asc or desc")
		return false
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, _ := items[i][key].(string)
		b, _ := items[j][key].(string)
		return strings.ToLower(a) < strings.ToLower(b)
	})
	return true
}
