package client

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// ResultInfo is the pagination block of a list response. TotalCount and TotalPages are nil when
// the answer leaves them out.
type ResultInfo struct {
	Page       int  `json:"page"`
	PerPage    int  `json:"per_page"`
	Count      int  `json:"count"`
	TotalCount *int `json:"total_count"`
	TotalPages *int `json:"total_pages"`
}

// Member is an account member.
type Member struct {
	ID       string   `json:"id"`
	Email    string   `json:"email"`
	Status   string   `json:"status"`
	Roles    []Role   `json:"roles"`
	Policies []Policy `json:"policies"`
	User     *User    `json:"user,omitempty"`
}

// User is the person behind a member.
type User struct {
	ID                             string `json:"id"`
	Email                          string `json:"email"`
	FirstName                      string `json:"first_name"`
	LastName                       string `json:"last_name"`
	TwoFactorAuthenticationEnabled bool   `json:"two_factor_authentication_enabled"`
}

// Role is an account role.
type Role struct {
	ID          string          `json:"id"`
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Permissions json.RawMessage `json:"permissions,omitempty"`
}

// Policy is a policy as the API returns it, with its server-issued ID.
type Policy struct {
	ID               string               `json:"id"`
	Access           string               `json:"access"`
	PermissionGroups []PermissionGroupRef `json:"permission_groups"`
	ResourceGroups   []ResourceGroupRef   `json:"resource_groups"`
}

// PermissionGroupRef is a permission group inside a policy.
type PermissionGroupRef struct {
	ID   string          `json:"id"`
	Name string          `json:"name,omitempty"`
	Meta json.RawMessage `json:"meta,omitempty"`
}

// ResourceGroupRef is a resource group inside a policy.
type ResourceGroupRef struct {
	ID    string          `json:"id"`
	Name  string          `json:"name,omitempty"`
	Meta  json.RawMessage `json:"meta,omitempty"`
	Scope json.RawMessage `json:"scope,omitempty"`
}

// PolicyInput is a policy as a request sends it: never with an ID (the API issues a fresh one on
// every write and rejects old ones).
type PolicyInput struct {
	Access             string
	PermissionGroupIDs []string
	ResourceGroupIDs   []string
}

type idRef struct {
	ID string `json:"id"`
}

func idRefs(ids []string) []idRef {
	refs := make([]idRef, 0, len(ids))
	for _, id := range ids {
		refs = append(refs, idRef{ID: id})
	}
	return refs
}

// MarshalJSON writes {"access","permission_groups":[{"id"}],"resource_groups":[{"id"}]}.
func (p PolicyInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Access           string  `json:"access"`
		PermissionGroups []idRef `json:"permission_groups"`
		ResourceGroups   []idRef `json:"resource_groups"`
	}{p.Access, idRefs(p.PermissionGroupIDs), idRefs(p.ResourceGroupIDs)})
}

// UserGroup is an IAM user group.
type UserGroup struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Policies   []Policy  `json:"policies"`
	CreatedOn  time.Time `json:"created_on"`
	ModifiedOn time.Time `json:"modified_on"`
}

// GroupMember is an account member attached to a user group.
type GroupMember struct {
	ID        string     `json:"id"`
	Email     string     `json:"email,omitempty"`
	Status    string     `json:"status,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	User      *User      `json:"user,omitempty"`
}

// PermissionGroup is an entry of the account's permission-group catalogue.
type PermissionGroup struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Meta json.RawMessage `json:"meta,omitempty"`
}

// ResourceGroup is an entry of the account's resource-group catalogue.
type ResourceGroup struct {
	ID    string          `json:"id"`
	Name  string          `json:"name"`
	Scope json.RawMessage `json:"scope,omitempty"`
	Meta  json.RawMessage `json:"meta,omitempty"`
}

// listingID is what a listing's pages are checked and de-duplicated by.
func (m Member) listingID() string          { return m.ID }
func (g UserGroup) listingID() string       { return g.ID }
func (m GroupMember) listingID() string     { return m.ID }
func (r Role) listingID() string            { return r.ID }
func (p PermissionGroup) listingID() string { return p.ID }
func (r ResourceGroup) listingID() string   { return r.ID }

// sameSet reports whether a and b hold the same strings, ignoring order and repeats.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// samePolicies reports whether the policies the API holds are the ones sent (as sets, IDs only).
func samePolicies(sent []PolicyInput, got []Policy) bool {
	key := func(access string, pgs, rgs []string) string {
		pgs, rgs = slices.Clone(pgs), slices.Clone(rgs)
		slices.Sort(pgs)
		slices.Sort(rgs)
		return access + "|" + strings.Join(slices.Compact(pgs), ",") + "|" + strings.Join(slices.Compact(rgs), ",")
	}
	a := make([]string, 0, len(sent))
	for _, p := range sent {
		a = append(a, key(p.Access, p.PermissionGroupIDs, p.ResourceGroupIDs))
	}
	b := make([]string, 0, len(got))
	for _, p := range got {
		var pgs, rgs []string
		for _, g := range p.PermissionGroups {
			pgs = append(pgs, g.ID)
		}
		for _, g := range p.ResourceGroups {
			rgs = append(rgs, g.ID)
		}
		b = append(b, key(p.Access, pgs, rgs))
	}
	return sameSet(a, b)
}
