package clitest

import (
	"fmt"
	"strings"
)

// Size is the shape of a generated configuration: members, groups with one policy each, and one
// membership per group. Group g holds LargestGroup/(g+1) members (at least 2), so a few groups
// are large and most are small, as in real organisations.
type Size struct {
	Name         string
	Members      int
	Groups       int
	LargestGroup int
}

// Sizes are the benchmark's configurations.
var Sizes = []Size{
	{Name: "S", Members: 50, Groups: 10, LargestGroup: 50},
	{Name: "M", Members: 500, Groups: 50, LargestGroup: 500},
	{Name: "L", Members: 2000, Groups: 200, LargestGroup: 1000},
}

// SizeByName returns the size called name (S, M or L).
func SizeByName(name string) (Size, bool) {
	for _, s := range Sizes {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Size{}, false
}

// GroupMembers returns the member indexes of group g: a run of consecutive members starting at
// 7*g, wrapping around. With extra > 0 the run is that much longer (a changed membership).
func (s Size) GroupMembers(g, extra int) []int {
	n := min(s.Members, max(2, s.LargestGroup/(g+1))+extra)
	out := make([]int, n)
	for i := range out {
		out[i] = (7*g + i) % s.Members
	}
	return out
}

// MembershipEntries is the number of (group, member) pairs in the configuration.
func (s Size) MembershipEntries() int {
	n := 0
	for g := range s.Groups {
		n += len(s.GroupMembers(g, 0))
	}
	return n
}

// GroupSpec is what the configuration declares for group g.
type GroupSpec struct {
	Name      string
	Members   []int // member indexes; member i has the email MemberEmail(i)
	Exclusive bool
}

// Group returns what the configuration with options o declares for group g.
func (s Size) Group(g int, o ConfigOptions) GroupSpec {
	extra := 0
	if g >= s.Groups-o.ChangedMemberships {
		extra = 1
	}
	name := fmt.Sprintf("group-%03d", g)
	if g < o.RenamedGroups {
		name += "-renamed"
	}
	return GroupSpec{Name: name, Members: s.GroupMembers(g, extra), Exclusive: o.AdditiveEvery == 0 || (g+1)%o.AdditiveEvery != 0}
}

// MemberEmail is the email of member i (the configuration's format() must agree).
func MemberEmail(i int) string { return fmt.Sprintf("user%05d@example.com", i) }

// ConfigOptions are the settings of a generated configuration.
type ConfigOptions struct {
	BaseURL, Token, AccountID string
	RequestsPerSecond         float64 // 0 keeps the provider's default
	MaxRetries                int     // 0 keeps the provider's default
	RequestTimeoutSeconds     int     // 0 keeps the provider's default
	RoleID                    string  // every member's role
	PermissionGroupID         string  // every group's policy
	ResourceGroupID           string
	ChangedMemberships        int // the last N memberships (small groups) get one more member
	AdditiveEvery             int // every Nth membership (1-based) uses exclusive = false; 0 for none
	RenamedGroups             int // the first N groups get a new name
}

// ProviderBlock renders the terraform and provider blocks.
func ProviderBlock(o ConfigOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    iam = { source = "iamkit/iam" }
  }
}

provider "iam" {
  base_url   = %q
  api_token  = %q
  account_id = %q
`, o.BaseURL, o.Token, o.AccountID)
	if o.RequestsPerSecond > 0 {
		fmt.Fprintf(&b, "  requests_per_second = %g\n", o.RequestsPerSecond)
	}
	if o.MaxRetries > 0 {
		fmt.Fprintf(&b, "  max_retries = %d\n", o.MaxRetries)
	}
	if o.RequestTimeoutSeconds > 0 {
		fmt.Fprintf(&b, "  request_timeout_seconds = %d\n", o.RequestTimeoutSeconds)
	}
	b.WriteString("}\n")
	return b.String()
}

// Config renders the configuration for size s.
func Config(s Size, o ConfigOptions) string {
	var b strings.Builder
	b.WriteString(ProviderBlock(o))
	fmt.Fprintf(&b, `
resource "iam_account_member" "m" {
  count = %d
  email = format("user%%05d@example.com", count.index)
  roles = [%q]
}

locals {
  groups = {
`, s.Members, o.RoleID)
	for g := range s.Groups {
		grp := s.Group(g, o)
		idx := make([]string, 0, len(grp.Members))
		for _, i := range grp.Members {
			idx = append(idx, fmt.Sprint(i))
		}
		fmt.Fprintf(&b, "    g%03d = { name = %q, exclusive = %t, members = [%s] }\n", g, grp.Name, grp.Exclusive, strings.Join(idx, ", "))
	}
	fmt.Fprintf(&b, `  }
}

resource "iam_user_group" "g" {
  for_each = local.groups
  name     = each.value.name
  policies = [{
    access            = "allow"
    permission_groups = [%q]
    resource_groups   = [%q]
  }]
}

resource "iam_user_group_membership" "g" {
  for_each      = local.groups
  user_group_id = iam_user_group.g[each.key].id
  exclusive     = each.value.exclusive
  members       = [for i in each.value.members : iam_account_member.m[i].id]
}
`, o.PermissionGroupID, o.ResourceGroupID)
	return b.String()
}

// MembersConfig is n iam_account_member resources (count), members only: the one-resource-per-person
// side of the bulk comparison.
func MembersConfig(n int, o ConfigOptions) string {
	return ProviderBlock(o) + fmt.Sprintf(`
resource "iam_account_member" "m" {
  count = %d
  email = format("user%%05d@example.com", count.index)
  roles = [%q]
}
`, n, o.RoleID)
}

// BulkConfig is one iam_account_members holding the same n people as MembersConfig (written out:
// terraform's range() stops at 1,024); member 0 gets changedRole instead when it is not empty.
func BulkConfig(n int, o ConfigOptions, changedRole string) string {
	var b strings.Builder
	b.WriteString(ProviderBlock(o))
	b.WriteString("\nresource \"iam_account_members\" \"all\" {\n  members = {\n")
	for i := range n {
		role := o.RoleID
		if i == 0 && changedRole != "" {
			role = changedRole
		}
		fmt.Fprintf(&b, "    %q = { roles = [%q] }\n", MemberEmail(i), role)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
