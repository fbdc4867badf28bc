# Authoritative (the default): these are all the members of the group. A change of any size is
# applied with one request; members added elsewhere show as drift; destroy empties the group.
resource "iam_user_group_membership" "sre" {
  user_group_id = iam_user_group.sre.id
  members = [
    "4d3c2b1a0f9e8d7c6b5a493827161504",
    "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
  ]
}

# Additive: only these members are added and removed; others in the group are left alone.
resource "iam_user_group_membership" "auditors_from_this_team" {
  user_group_id = iam_user_group.auditors.id
  exclusive     = false
  members       = ["4d3c2b1a0f9e8d7c6b5a493827161504"]
}
