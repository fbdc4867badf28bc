package provider

import "strings"

// The plan registry's part for people managed by two kinds of resource of one configuration: an
// iam_account_member and a key of an iam_account_members. Each would undo the other's changes to
// their access, and removing either would remove the person; an exclusive iam_account_members
// removes everyone its map does not list, including people an iam_account_member adds. A resource
// planned again repeats its own kind's claim, which is never a conflict.

const singleMemberType = "iam_account_member"

// claimExclusive records that an exclusive iam_account_members plans exactly emails (lowercase) in
// the account, and returns the people that iam_account_member resources of this run plan outside
// it: the exclusive resource would remove them, and they would be added back on the next apply.
func (o *planRegistry) claimExclusive(accountID string, emails map[string]string) (outside []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.exclusive == nil {
		o.exclusive = map[string]map[string]bool{}
	}
	set := make(map[string]bool, len(emails))
	for e := range emails {
		set[e] = true
	}
	o.exclusive[accountID] = set
	prefix := accountID + "/"
	for key, kinds := range o.owners {
		if email, ok := strings.CutPrefix(key, prefix); ok && kinds[singleMemberType] && !set[email] {
			outside = append(outside, email)
		}
	}
	return outside
}

// outsideExclusive reports whether an exclusive iam_account_members of this run plans the
// account without email.
func (o *planRegistry) outsideExclusive(accountID, email string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	set, ok := o.exclusive[accountID]
	return ok && !set[strings.ToLower(email)]
}

// claim records that a resource of type kind plans the member email in the account, and returns
// another resource type that plans the same person ("" when none).
func (o *planRegistry) claim(accountID, email, kind string) (other string) {
	key := accountID + "/" + strings.ToLower(email)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.owners == nil {
		o.owners = map[string]map[string]bool{}
	}
	kinds := o.owners[key]
	if kinds == nil {
		kinds = map[string]bool{}
		o.owners[key] = kinds
	}
	kinds[kind] = true
	for k := range kinds {
		if k != kind {
			return k
		}
	}
	return ""
}
