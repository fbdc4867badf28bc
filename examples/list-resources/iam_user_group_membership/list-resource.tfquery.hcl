# The members of every user group, one authoritative iam_user_group_membership per group.
list "iam_user_group_membership" "all" {
  provider = iam
  limit    = 1000

  # Optional filter on the group's name:
  # config {
  #   name_contains = "sre" # case-insensitive
  # }
}
