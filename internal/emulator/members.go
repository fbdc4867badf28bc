package emulator

import (
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

type idRef struct {
	ID string `json:"id"`
}

type policyIn struct {
	ID               string  `json:"id,omitempty"`
	Access           string  `json:"access"`
	PermissionGroups []idRef `json:"permission_groups"`
	ResourceGroups   []idRef `json:"resource_groups"`
}

// validatePolicies checks a policies body and returns the stored form with fresh IDs. An update
// may carry the policies' `id` (the official SDK's update type requires it; copying policies from
// a GET into an update is common): withIDs accepts them, and the server issues new IDs anyway.
func validatePolicies(accountID string, in []policyIn, withIDs bool) ([]policy, string) {
	out := make([]policy, 0, len(in))
	for i, p := range in {
		if p.ID != "" && !withIDs {
			return nil, fmt.Sprintf("policies[%d]: policy ids are issued by the server and cannot be sent", i)
		}
		if p.Access != "allow" && p.Access != "deny" {
			return nil, fmt.Sprintf("policies[%d].access must be allow or deny", i)
		}
		if len(p.PermissionGroups) == 0 || len(p.ResourceGroups) == 0 {
			return nil, fmt.Sprintf("policies[%d] needs at least one permission group and one resource group", i)
		}
		np := policy{ID: newID(), Access: p.Access}
		for _, pg := range p.PermissionGroups {
			if !catalogHas(kindPermissionGroup, accountID, pg.ID) {
				return nil, fmt.Sprintf("policies[%d]: permission group %q does not exist", i, pg.ID)
			}
			np.PermissionGroups = append(np.PermissionGroups, pg.ID)
		}
		for _, rg := range p.ResourceGroups {
			if !catalogHas(kindResourceGroup, accountID, rg.ID) {
				return nil, fmt.Sprintf("policies[%d]: resource group %q does not exist", i, rg.ID)
			}
			np.ResourceGroups = append(np.ResourceGroups, rg.ID)
		}
		out = append(out, np)
	}
	return out, ""
}

func renderPolicies(accountID string, ps []policy) []map[string]any {
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		pgs := make([]map[string]any, 0, len(p.PermissionGroups))
		for _, id := range p.PermissionGroups {
			name := catalogName(kindPermissionGroup, accountID, id)
			pgs = append(pgs, map[string]any{"id": id, "name": name, "meta": permissionGroupMeta(name)})
		}
		rgs := make([]map[string]any, 0, len(p.ResourceGroups))
		for _, id := range p.ResourceGroups {
			name := catalogName(kindResourceGroup, accountID, id)
			rgs = append(rgs, map[string]any{"id": id, "name": name, "meta": map[string]any{"key": "editable", "value": "false"},
				"scope": resourceGroupScope(accountID, name)})
		}
		out = append(out, map[string]any{"id": p.ID, "access": p.Access, "permission_groups": pgs, "resource_groups": rgs})
	}
	return out
}

func renderMember(accountID string, m *member, withRoles bool) map[string]any {
	roles := []map[string]any{}
	if withRoles {
		for _, id := range m.Roles {
			roles = append(roles, renderCatalog(kindRole, accountID, catalogEntry{ID: id, Name: catalogName(kindRole, accountID, id),
				Description: "Grants " + catalogName(kindRole, accountID, id) + " access."}))
		}
	}
	return map[string]any{"id": m.ID, "email": m.Email, "status": m.Status, "roles": roles, "policies": renderPolicies(accountID, m.Policies),
		"user": map[string]any{"id": m.UserID, "email": m.Email, "first_name": m.FirstName, "last_name": m.LastName, "two_factor_authentication_enabled": false}}
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	status := r.URL.Query().Get("status")
	if status != "" && status != "accepted" && status != "pending" && status != "rejected" {
		writeError(w, http.StatusBadRequest, 1002, "status must be accepted, pending or rejected")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	members := s.state.Accounts[acct].sortedMembers()
	switch r.URL.Query().Get("order") {
	case "user.email":
		sort.SliceStable(members, func(i, j int) bool { return members[i].Email < members[j].Email })
	case "status":
		sort.SliceStable(members, func(i, j int) bool { return members[i].Status < members[j].Status })
	}
	if status != "" {
		members = slices.DeleteFunc(members, func(m *member) bool { return m.Status != status })
	}
	paginateRendered(w, r, members, func(m *member) map[string]any { return renderMember(acct, m, true) }, 20, 5, 50)
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.state.Accounts[acct].Members[r.PathValue("member_id")]
	if m == nil {
		writeError(w, http.StatusNotFound, 1003, "Member not found")
		return
	}
	writeResult(w, renderMember(acct, m, true), nil)
}

type memberBody struct {
	Email    string      `json:"email"`
	Roles    []any       `json:"roles"` // strings on POST, {"id"} objects on PUT
	Policies *[]policyIn `json:"policies"`
	Status   string      `json:"status"`
}

// roleIDs reads roles given as strings (POST) or as objects (PUT); ok=false on the wrong shape.
func roleIDs(raw []any, asObjects bool) ([]string, bool) {
	ids := []string{}
	for _, v := range raw {
		switch x := v.(type) {
		case string:
			if asObjects {
				return nil, false
			}
			ids = append(ids, x)
		case map[string]any:
			id, _ := x["id"].(string)
			if !asObjects || id == "" {
				return nil, false
			}
			ids = append(ids, id)
		default:
			return nil, false
		}
	}
	return ids, true
}

func (s *Server) createMember(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	var in memberBody
	if !decodeBody(w, r, &in) {
		return
	}
	if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email || utf8.RuneCountInString(in.Email) > 90 {
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: email must be a valid email address of at most 90 characters")
		return
	}
	if (in.Roles == nil) == (in.Policies == nil) {
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: exactly one of roles or policies is required")
		return
	}
	switch in.Status {
	case "":
		in.Status = "pending"
	case "pending":
	case "accepted":
		if !s.opts.AllowDirectAccept {
			writeError(w, http.StatusBadRequest, 1001, "Invalid request: automatic verification of new members is not allowed")
			return
		}
	default:
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: status must be accepted or pending")
		return
	}
	m := &member{Email: in.Email, Status: in.Status, Roles: []string{}, Policies: []policy{}}
	if !s.setAccess(w, acct, m, in, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.state.Accounts[acct]
	for _, other := range a.Members {
		if strings.EqualFold(other.Email, in.Email) {
			writeError(w, http.StatusBadRequest, 1004, "account member already exists for email address")
			return
		}
	}
	s.state.Seq++
	m.ID, m.Seq, m.UserID, m.Created = newID(), s.state.Seq, newID(), s.opts.Now()
	a.Members[m.ID] = m
	s.persist()
	omit := s.opts.CreateResponseOmitsRoles == nil || *s.opts.CreateResponseOmitsRoles
	writeResult(w, renderMember(acct, m, !omit), nil)
}

// setAccess validates roles or policies of a body into m; policies win when both are sent (PUT).
func (s *Server) setAccess(w http.ResponseWriter, acct string, m *member, in memberBody, asObjects bool) bool {
	if in.Policies != nil {
		ps, msg := validatePolicies(acct, *in.Policies, false)
		if msg != "" {
			writeError(w, http.StatusBadRequest, 1001, "Invalid request: "+msg)
			return false
		}
		m.Policies, m.Roles = ps, []string{}
		return true
	}
	ids, ok := roleIDs(in.Roles, asObjects)
	if !ok {
		shape := "an array of role id strings"
		if asObjects {
			shape = `an array of {"id": "<role id>"} objects`
		}
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: roles must be "+shape)
		return false
	}
	for _, id := range ids {
		if !catalogHas(kindRole, acct, id) {
			writeError(w, http.StatusBadRequest, 1001, fmt.Sprintf("Invalid request: role %q does not exist", id))
			return false
		}
	}
	m.Roles, m.Policies = ids, []policy{}
	return true
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) {
	acct := r.PathValue("account_id")
	var in memberBody
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.state.Accounts[acct].Members[r.PathValue("member_id")]
	if m == nil {
		writeError(w, http.StatusNotFound, 1003, "Member not found")
		return
	}
	if in.Roles == nil && in.Policies == nil {
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: roles or policies is required")
		return
	}
	updated := *m
	if !s.setAccess(w, acct, &updated, in, true) {
		return
	}
	*m = updated
	s.persist()
	writeResult(w, renderMember(acct, m, true), nil)
}

func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request) {
	acct, id := r.PathValue("account_id"), r.PathValue("member_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.state.Accounts[acct]
	if a.Members[id] == nil {
		writeError(w, http.StatusNotFound, 1003, "Member not found")
		return
	}
	delete(a.Members, id)
	for _, g := range a.Groups {
		delete(g.Members, id)
	}
	s.persist()
	writeResult(w, map[string]any{"id": id}, nil)
}
