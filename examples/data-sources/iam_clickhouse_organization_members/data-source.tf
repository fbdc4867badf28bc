# Everyone in the organization: members (active) and people invited (pending, expired).
data "iam_clickhouse_organization_members" "all" {}

output "pending_invitations" {
  value = [for m in data.iam_clickhouse_organization_members.all.members : m.email if m.status == "pending"]
}
