data "iam_clickhouse_roles" "all" {}

# Sends an invitation; accepting it later (in the ClickHouse UI) is not drift. Changing role_ids of
# a member is one request; of a pending invitation, a new invitation (the plan warns: a new email).
# Manage a person's roles here only: not also as `actors` of a custom role elsewhere.
resource "iam_clickhouse_organization_member" "jane" {
  email    = "jane@example.com"
  role_ids = [data.iam_clickhouse_roles.all.ids_by_name["Member"]]
}

output "jane_status" {
  value = iam_clickhouse_organization_member.jane.status # pending, active or expired
}
