# One person, by email (compared case-insensitively) or by user ID.
data "iam_clickhouse_organization_member" "jane" {
  email = "jane@example.com"
}

output "jane_roles" {
  value = data.iam_clickhouse_organization_member.jane.role_ids
}
