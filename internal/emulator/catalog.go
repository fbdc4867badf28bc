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

func (s *Server) listCatalog(kind catalogKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items := catalogFor(kind, r.PathValue("account_id"))
		if name := r.URL.Query().Get("name"); name != "" {
			var filtered []catalogEntry
			for _, e := range items {
				if strings.EqualFold(e.Name, name) {
					filtered = append(filtered, e)
				}
			}
			items = filtered
		}
		paginate(w, r, items, 20, 1, 50)
	}
}

func (s *Server) getCatalog(kind catalogKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for _, e := range catalogFor(kind, r.PathValue("account_id")) {
			if e.ID == r.PathValue("id") {
				writeResult(w, e, nil)
				return
			}
		}
		writeError(w, http.StatusNotFound, 1003, "not found")
	}
}
