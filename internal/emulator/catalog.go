package emulator

import (
	"net/http"
	"strings"
)

type catalogKind int

const (
	kindRole catalogKind = iota
	kindPermissionGroup
	kindResourceGroup
)

type catalogEntry struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

var roleNames = []string{
	"Administrator", "Administrator Read Only", "Super Administrator - All Privileges", "Analytics", "Audit Logs Viewer",
	"Billing", "Cache Purge", "Cloudflare Access", "Cloudflare Gateway", "Cloudflare Images", "Cloudflare Stream",
	"Cloudflare Zero Trust", "Cloudflare Zero Trust PII", "Cloudflare Zero Trust Read Only", "Cloudflare Zero Trust Reporting",
	"DNS", "Email Configuration Admin", "Firewall", "HTTP Applications", "HTTP Applications Read", "Load Balancer",
	"Log Share", "Log Share Reader", "Magic Network Monitoring", "Minimal Account Access", "SSL/TLS, Caching, Performance, Page Rules, and Customization",
	"Trust and Safety", "Turnstile", "Workers Platform Admin", "Workers Platform (Read-only)", "Zaraz Admin",
}

var permissionGroupNames = []string{
	"Access: Apps and Policies Read", "Access: Apps and Policies Write", "Access: Organizations, Identity Providers, and Groups Read",
	"Access: Organizations, Identity Providers, and Groups Write", "Account Analytics Read", "Account Firewall Access Rules Read",
	"Account Firewall Access Rules Write", "Account Rulesets Read", "Account Rulesets Write", "Account Settings Read",
	"Account Settings Write", "Analytics Read", "API Gateway Read", "API Gateway Write", "Billing Read", "Billing Write",
	"Cache Purge", "Cache Settings Read", "Cache Settings Write", "DNS Read", "DNS Write", "Domain Page Shield Read",
	"Email Routing Rules Read", "Email Routing Rules Write", "Firewall Services Read", "Firewall Services Write",
	"Load Balancers Read", "Load Balancers Write", "Logs Read", "Logs Write", "Memberships Read", "Memberships Write",
	"Page Rules Read", "Page Rules Write", "SSL and Certificates Read", "SSL and Certificates Write", "Workers Routes Read",
	"Workers Routes Write", "Workers Scripts Read", "Workers Scripts Write", "Zone Read", "Zone Settings Read",
	"Zone Settings Write", "Zone Write", "Zero Trust Read", "Zero Trust Write",
}

var catalog = map[catalogKind][]catalogEntry{}

func init() {
	for _, n := range roleNames {
		catalog[kindRole] = append(catalog[kindRole], catalogEntry{ID: stableID("role", n), Name: n, Description: "Grants " + n + " access."})
	}
	for _, n := range permissionGroupNames {
		catalog[kindPermissionGroup] = append(catalog[kindPermissionGroup], catalogEntry{ID: stableID("pg", n), Name: n})
	}
}

// resourceGroupsFor returns the account's resource groups: the whole account and two subsets.
func resourceGroupsFor(accountID string) []catalogEntry {
	var out []catalogEntry
	for _, n := range []string{"com.cloudflare.api.account." + accountID, "production zones", "staging zones"} {
		out = append(out, catalogEntry{ID: stableID("rg", accountID+"/"+n), Name: n})
	}
	return out
}

func catalogIDByName(kind catalogKind, name string) string {
	for _, e := range catalog[kind] {
		if e.Name == name {
			return e.ID
		}
	}
	return ""
}

func catalogFor(kind catalogKind, accountID string) []catalogEntry {
	if kind == kindResourceGroup {
		return resourceGroupsFor(accountID)
	}
	return catalog[kind]
}

func catalogHas(kind catalogKind, accountID, id string) bool {
	for _, e := range catalogFor(kind, accountID) {
		if e.ID == id {
			return true
		}
	}
	return false
}

func catalogName(kind catalogKind, accountID, id string) string {
	for _, e := range catalogFor(kind, accountID) {
		if e.ID == id {
			return e.Name
		}
	}
	return ""
}

// rolePermissionKeys are the areas of a role's `permissions` object, each {"read", "write"}.
var rolePermissionKeys = []string{"analytics", "billing", "cache_purge", "dns", "dns_records", "lb", "logs",
	"organization", "ssl", "waf", "zone_settings", "zones"}

// renderCatalog is a catalogue entry as the API answers it: a role with its permissions, a
// permission group with meta (label, scopes), a resource group with meta and its scope.
func renderCatalog(kind catalogKind, accountID string, e catalogEntry) map[string]any {
	switch kind {
	case kindRole:
		perms := map[string]any{}
		admin := strings.HasPrefix(e.Name, "Administrator") || strings.HasPrefix(e.Name, "Super Administrator")
		readOnly := strings.Contains(e.Name, "Read") // "Read Only", "(Read-only)", "Reader"
		for _, k := range rolePermissionKeys {
			perms[k] = map[string]any{"read": admin || readOnly, "write": admin && !readOnly}
		}
		return map[string]any{"id": e.ID, "name": e.Name, "description": e.Description, "permissions": perms}
	case kindPermissionGroup:
		return map[string]any{"id": e.ID, "name": e.Name, "meta": permissionGroupMeta(e.Name)}
	default:
		return map[string]any{"id": e.ID, "name": e.Name, "meta": map[string]any{"key": "editable", "value": "false"},
			"scope": []map[string]any{resourceGroupScope(accountID, e.Name)}}
	}
}

// permissionGroupLabel is a permission group's label: its name in snake case ("DNS Read" -> "dns_read").
func permissionGroupLabel(name string) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(name) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(c)
			sep = false
		} else {
			sep = true
		}
	}
	return b.String()
}

func permissionGroupMeta(name string) map[string]any {
	return map[string]any{"label": permissionGroupLabel(name), "scopes": "com.cloudflare.api.account"}
}

// resourceGroupScope is the scope of a resource group: the account, and the objects in it (every
// object for the whole-account group, two zones for the subsets).
func resourceGroupScope(accountID, name string) map[string]any {
	key := "com.cloudflare.api.account." + accountID
	objects := []map[string]any{{"key": "*"}}
	if name != key {
		objects = []map[string]any{
			{"key": "com.cloudflare.api.account.zone." + stableID("zone", accountID+"/"+name+"/1")},
			{"key": "com.cloudflare.api.account.zone." + stableID("zone", accountID+"/"+name+"/2")},
		}
	}
	return map[string]any{"key": key, "objects": objects}
}

// listCatalog answers a catalogue listing. Filters: `name` (case-insensitive) on all three, `id` on
// permission and resource groups, `label` on permission groups (the official SDK's list parameters).
func (s *Server) listCatalog(kind catalogKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct := r.PathValue("account_id")
		q := r.URL.Query()
		items := []catalogEntry{}
		for _, e := range catalogFor(kind, acct) {
			if name := q.Get("name"); name != "" && !strings.EqualFold(e.Name, name) {
				continue
			}
			if id := q.Get("id"); id != "" && kind != kindRole && e.ID != id {
				continue
			}
			if label := q.Get("label"); label != "" && kind == kindPermissionGroup && permissionGroupLabel(e.Name) != label {
				continue
			}
			items = append(items, e)
		}
		paginateRendered(w, r, items, func(e catalogEntry) map[string]any { return renderCatalog(kind, acct, e) }, 20, 1, 50)
	}
}

func (s *Server) getCatalog(kind catalogKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct := r.PathValue("account_id")
		for _, e := range catalogFor(kind, acct) {
			if e.ID == r.PathValue("id") {
				writeResult(w, renderCatalog(kind, acct, e), nil)
				return
			}
		}
		writeError(w, http.StatusNotFound, 1003, "not found")
	}
}
