data "iam_user_group" "sre" {
  name = "sre"
}
