# The organization's roles (system and custom), so configurations never hard-code role IDs.
data "iam_clickhouse_roles" "all" {}

data "iam_clickhouse_roles" "admin" {
  name = "Admin"
}

output "member_role_id" {
  value = data.iam_clickhouse_roles.all.ids_by_name["Member"]
}
