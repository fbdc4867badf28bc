data "iam_roles" "all" {}

# Everyone in one resource: a plan, an apply and a refresh cost Terraform one object whatever the
# number of people, and the API one paged listing plus one write per changed person. The list
# often comes from elsewhere, e.g. csvdecode(file("people.csv")) of an HR export.
locals {
  people = {
    "jane@example.com" = "Administrator Read Only"
    "bob@example.com"  = "DNS"
  }
}

resource "iam_account_members" "staff" {
  members = {
    for email, role in local.people : email => { roles = [data.iam_roles.all.ids_by_name[role]] }
  }
  # exclusive = true would make this map the account's whole membership: everyone else would be
  # removed, each named by email in the plan (members_to_remove and a warning).
}

# Each person's ID, for other resources.
resource "iam_user_group" "sre" {
  name = "sre"
}

resource "iam_user_group_membership" "sre" {
  user_group_id = iam_user_group.sre.id
  members       = [iam_account_members.staff.members["jane@example.com"].id]
}
