package provider

import "testing"

func TestPlanRegistryMemberOwners(t *testing.T) {
	var o planRegistry
	const acct = "0123456789abcdef0123456789abcdef"
	if other := o.claim(acct, "Jane@example.com", "iam_account_members"); other != "" {
		t.Fatalf("first claim: conflict with %q", other)
	}
	if other := o.claim(acct, "Jane@example.com", "iam_account_members"); other != "" {
		t.Errorf("the same resource type planned again is no conflict, got %q", other)
	}
	if other := o.claim("fedcba9876543210fedcba9876543210", "jane@example.com", "iam_account_member"); other != "" {
		t.Errorf("another account is no conflict, got %q", other)
	}
	if other := o.claim(acct, "jane@EXAMPLE.com", "iam_account_member"); other != "iam_account_members" {
		t.Errorf("the same person (other letter case) in the other resource type: got %q, want iam_account_members", other)
	}

	// An exclusive iam_account_members without a person an iam_account_member adds: found whichever
	// is planned first.
	if got := o.claimExclusive(acct, map[string]string{"bob@example.com": "bob@example.com"}); len(got) != 1 || got[0] != "jane@example.com" {
		t.Errorf("claimExclusive: outside %v, want [jane@example.com]", got)
	}
	if !o.outsideExclusive(acct, "Ann@example.com") || o.outsideExclusive(acct, "BOB@example.com") {
		t.Error("outsideExclusive: want ann outside and bob inside the exclusive map")
	}
}
