# By email (case-insensitive) or by ID; finding none is an error.
data "iam_account_member" "jane" {
  email = "jane@example.com"
}
