# Every role of the account, across all pages.
data "iam_roles" "all" {}

# One role by its exact name: a typo fails at plan time and lists the names that exist.
data "iam_roles" "admin" {
  name = "Administrator"
}

output "administrator_role_id" {
  value = data.iam_roles.admin.id
}

output "billing_role_id" {
  value = data.iam_roles.all.ids_by_name["Billing"]
}
