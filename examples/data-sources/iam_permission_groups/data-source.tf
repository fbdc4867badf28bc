# Permission groups are the building blocks of policies on members and user groups.
data "iam_permission_groups" "all" {}

data "iam_permission_groups" "dns_read" {
  name = "DNS Read"
}

output "dns_read_id" {
  value = data.iam_permission_groups.dns_read.id
}
