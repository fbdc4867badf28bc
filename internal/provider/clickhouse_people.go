package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// What a ClickHouse organization holds for one person (one email): a membership, an invitation, or
// (rarely, when someone was invited again outside Terraform) both. The resource and the data
// sources see people this way, so that "pending" and "active" are one thing that changes over time.

// The statuses of a person in an organization.
const (
	chStatusPending = "pending" // invited, the invitation can still be accepted
	chStatusActive  = "active"  // a member
	chStatusExpired = "expired" // invited, the invitation expired
)

type chPerson struct {
	Email      string
	Member     *client.ClickHouseMember
	Invitation *client.ClickHouseInvitation
}

func (p chPerson) status(now time.Time) string {
	switch {
	case p.Member != nil:
		return chStatusActive
	case p.Invitation.Expired(now):
		return chStatusExpired
	default:
		return chStatusPending
	}
}

func (p chPerson) roleIDs() []string {
	if p.Member != nil {
		return p.Member.RoleIDs()
	}
	return p.Invitation.RoleIDs()
}

// chPeople groups an organization's members and invitations by lowercased email, sorted.
func chPeople(members map[string]client.ClickHouseMember, invitations map[string]client.ClickHouseInvitation) ([]chPerson, error) {
	byEmail := map[string]*chPerson{}
	get := func(email string) *chPerson {
		key := strings.ToLower(email)
		if byEmail[key] == nil {
			byEmail[key] = &chPerson{Email: key}
		}
		return byEmail[key]
	}
	for _, m := range members {
		p := get(m.Email)
		if p.Member != nil {
			return nil, fmt.Errorf("%w: the organization lists two members with email %s (%s and %s)", client.ErrMultipleMatches, p.Email, p.Member.UserID, m.UserID)
		}
		p.Member = &m
	}
	for _, inv := range invitations {
		p := get(inv.Email)
		// Several invitations for one email (sent outside Terraform): the newest pending one counts.
		if p.Invitation == nil || inv.CreatedAt.After(p.Invitation.CreatedAt) {
			p.Invitation = &inv
		}
	}
	out := make([]chPerson, 0, len(byEmail))
	for _, p := range byEmail {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out, nil
}

// chPeopleOf reads everyone in the organization (through the run's listings).
func (pd *providerData) chPeopleOf(ctx context.Context, orgID string) ([]chPerson, error) {
	members, invitations, err := pd.cache.ClickHouseOrg(ctx, pd.clickhouse, orgID)
	if err != nil {
		return nil, err
	}
	return chPeople(members, invitations)
}

// findChPerson returns the person with this email (case-insensitive), or nil. invitationID, when
// known, picks that invitation among several for the email.
func findChPerson(members map[string]client.ClickHouseMember, invitations map[string]client.ClickHouseInvitation, email, invitationID string) (*chPerson, error) {
	people, err := chPeople(members, invitations)
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		if strings.EqualFold(p.Email, email) {
			if inv, ok := invitations[invitationID]; ok && strings.EqualFold(inv.Email, email) {
				p.Invitation = &inv
			}
			return &p, nil
		}
	}
	return nil, nil
}

// chPersonAttrTypes are the computed attributes of a person, shared by the resource and the data sources.
var chPersonAttrTypes = map[string]attr.Type{
	"email": types.StringType, "status": types.StringType, "user_id": types.StringType, "name": types.StringType,
	"joined_at": types.StringType, "invitation_id": types.StringType, "invitation_expires_at": types.StringType,
	"role_ids": types.SetType{ElemType: types.StringType},
}

// chPersonFields are the computed attributes of a person (null where they do not apply).
type chPersonFields struct {
	Status, UserID, Name, JoinedAt, InvitationID, InvitationExpiresAt types.String
}

func chPersonFieldsOf(p chPerson, now time.Time) chPersonFields {
	f := chPersonFields{Status: types.StringValue(p.status(now)), UserID: types.StringNull(), Name: types.StringNull(),
		JoinedAt: types.StringNull(), InvitationID: types.StringNull(), InvitationExpiresAt: types.StringNull()}
	if m := p.Member; m != nil {
		f.UserID, f.Name, f.JoinedAt = types.StringValue(m.UserID), types.StringValue(m.Name), types.StringValue(m.JoinedAt)
	} else if inv := p.Invitation; inv != nil {
		f.InvitationID = types.StringValue(inv.ID)
		f.InvitationExpiresAt = types.StringValue(inv.ExpireAt.UTC().Format(time.RFC3339))
	}
	return f
}

// chPersonValues returns the person's attribute values, for the data sources.
func chPersonValues(p chPerson, now time.Time) map[string]attr.Value {
	f := chPersonFieldsOf(p, now)
	return map[string]attr.Value{
		"email": types.StringValue(p.Email), "status": f.Status, "role_ids": idSetOf(p.roleIDs()).SetValue,
		"user_id": f.UserID, "name": f.Name, "joined_at": f.JoinedAt,
		"invitation_id": f.InvitationID, "invitation_expires_at": f.InvitationExpiresAt,
	}
}

// chPersonDocs documents the computed attributes of a person.
var chPersonDocs = map[string]string{
	"status":                "`pending` (invited), `active` (a member) or `expired` (the invitation expired unaccepted).",
	"user_id":               "The member's user ID once the invitation was accepted; null while invited.",
	"name":                  "The member's name from their user profile; null while invited.",
	"joined_at":             "When the member joined (ISO-8601); null while invited.",
	"invitation_id":         "The pending or expired invitation's ID; null once it was accepted.",
	"invitation_expires_at": "When the invitation expires (ISO-8601); null once it was accepted.",
	"role_ids":              "IDs of the person's organization roles (look them up with `iam_clickhouse_roles`).",
	"email":                 "Email, as the API stores it (lowercase).",
}

// chImportID is the resource ID and import ID of a person: <organization_id>/<email>.
func chImportID(orgID, email string) string { return orgID + "/" + strings.ToLower(email) }
