package provider

import (
	"strings"
	"sync"
)

// memberOwners catches, at plan time, a person managed by two kinds of resource of one
// configuration: an iam_account_member and a key of an iam_account_members. Each would undo the
// other's changes to their roles, and removing either would remove the person. Every resource of a
// terraform command is planned by one provider process, so their claims meet here; a resource
// planned again repeats its own kind's claim, which is never a conflict.
type memberOwners struct {
	mu     sync.Mutex
	owners map[string]map[string]bool // account/lowercase email -> resource types that plan the person
}

// claim records that a resource of type kind plans the member email in the account, and returns
// another resource type that plans the same person ("" when none).
func (o *memberOwners) claim(accountID, email, kind string) (other string) {
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
