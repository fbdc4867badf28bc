data "iam_roles" "all" {}

# Everyone from an HR export, in one resource: a plan, an apply and a refresh cost Terraform one
# object whatever the number of people, and the API one paged listing plus one write per change.
locals {
  people = csvdecode(file("${path.module}/people.csv")) # email,role
}

resource "iam_account_members" "staff" {
  members = {
    for p in local.people : p.email => { roles = [data.iam_roles.all.ids_by_name[p.role]] }
  }
}

# Per-person values other resources can use, e.g. in a group membership.
resource "iam_user_group" "sre" {
  name = "sre"
}

resource "iam_user_group_membership" "sre" {
  user_group_id = iam_user_group.sre.id
  members       = [iam_account_members.staff.members["jane@example.com"].id]
}

# exclusive = true makes the map the account's whole membership: everyone else is removed, and the
# plan names each of them by email in members_to_remove and in a warning.
resource "iam_account_members" "contractors" {
  account_id = "fedcba9876543210fedcba9876543210"
  exclusive  = true
  members = {
    "owner@example.com" = { roles = [data.iam_roles.all.ids_by_name["Super Administrator - All Privileges"]], status = "accepted" }
    "dev1@example.com"  = { roles = [data.iam_roles.all.ids_by_name["Administrator Read Only"]] }
  }
}
