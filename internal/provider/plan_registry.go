package provider

import (
	"fmt"
	"strings"
	"sync"
)

// planRegistry catches, at plan time, two resources of one configuration that contradict each
// other but each look valid alone. One provider process plans every resource of a terraform command
// (Configure runs once per command, and each command gets a fresh providerData), so the plans of
// all resources meet here.
//
// A resource can be planned more than once by one process (terraform plans again during apply),
// and ModifyPlan is not told the resource's address. So a conflict is only ever two *different*
// claims on the same object: a resource planned twice repeats its own claim, which is never a
// conflict by itself.
type planRegistry struct {
	mu     sync.Mutex
	emails map[string]string          // account/lowercase email -> the first spelling planned
	groups map[string]map[bool]string // account/group ID -> exclusive -> description of the first membership planned so

	// Which resource types plan each person, and the maps of exclusive iam_account_members
	// (member_owners.go): a person in an iam_account_member and an iam_account_members.
	owners    map[string]map[string]bool // account/lowercase email -> resource types that plan the person
	exclusive map[string]map[string]bool // account -> lowercase emails of an exclusive iam_account_members
}

// claimEmail records that a member with this email is planned in the account, and returns the
// spelling of another member planned with the same email in another letter case ("" when none).
// The API compares emails without regard to case, so two of them cannot both exist.
func (r *planRegistry) claimEmail(accountID, email string) (other string) {
	key := accountID + "/" + strings.ToLower(email)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.emails == nil {
		r.emails = map[string]string{}
	}
	first, ok := r.emails[key]
	if !ok {
		r.emails[key] = email
		return ""
	}
	if first != email {
		return first
	}
	return ""
}

// claimGroup records that a membership of the group is planned with this exclusive setting, and
// returns the description of one planned with the other setting ("" when none): an exclusive and
// an additive membership of one group undo each other on every apply.
func (r *planRegistry) claimGroup(accountID, groupID string, exclusive bool, members []string) (other string) {
	key := accountID + "/" + groupID
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.groups == nil {
		r.groups = map[string]map[bool]string{}
	}
	modes := r.groups[key]
	if modes == nil {
		modes = map[bool]string{}
		r.groups[key] = modes
	}
	if _, ok := modes[exclusive]; !ok {
		modes[exclusive] = describeMembership(exclusive, members)
	}
	return modes[!exclusive]
}

func describeMembership(exclusive bool, members []string) string {
	const shown = 3
	list := strings.Join(members[:min(len(members), shown)], ", ")
	if len(members) > shown {
		list += fmt.Sprintf(" and %d more", len(members)-shown)
	}
	return fmt.Sprintf("exclusive = %t, members [%s]", exclusive, list)
}
