# Every member, across all pages; optionally only one status.
data "iam_account_members" "pending" {
  status = "pending"
}

output "pending_invitations" {
  value = [for m in data.iam_account_members.pending.members : m.email]
}
