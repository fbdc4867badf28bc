# Every user group of the provider's account, with its policies.
list "iam_user_group" "all" {
  provider = iam
  limit    = 1000

  # Optional filter:
  # config {
  #   name_contains = "sre" # case-insensitive
  # }
}
