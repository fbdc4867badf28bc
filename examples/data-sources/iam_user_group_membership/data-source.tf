data "iam_user_group" "sre" {
  name = "sre"
}

data "iam_user_group_membership" "sre" {
  user_group_id = data.iam_user_group.sre.id
}

output "sre_emails" {
  value = [for m in data.iam_user_group_membership.sre.members : m.email]
}
