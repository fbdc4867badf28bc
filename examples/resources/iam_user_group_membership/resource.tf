data "iam_roles" "all" {}

resource "iam_account_member" "alice" {
  email = "alice@example.com"
  roles = [data.iam_roles.all.ids_by_name["DNS"]]
}

resource "iam_account_member" "bob" {
  email = "bob@example.com"
  roles = [data.iam_roles.all.ids_by_name["DNS"]]
}

resource "iam_user_group" "sre" {
  name = "sre"
}

resource "iam_user_group" "auditors" {
  name = "auditors"
}

# Authoritative (the default): these are all the members of the group. A change of any size is
# applied with one request; members added elsewhere show as drift; destroy empties the group.
resource "iam_user_group_membership" "sre" {
  user_group_id = iam_user_group.sre.id
  members       = [iam_account_member.alice.id, iam_account_member.bob.id]
}

# Additive: only these members are added and removed; others in the group are left alone.
# Members that already exist are looked up with the iam_account_member data source, e.g.
# data.iam_account_member.carol.id with email = "carol@example.com".
resource "iam_user_group_membership" "auditors_from_this_team" {
  user_group_id = iam_user_group.auditors.id
  exclusive     = false
  members       = [iam_account_member.alice.id]
}
