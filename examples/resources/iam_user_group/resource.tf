data "iam_permission_groups" "dns_read" {
  name = "DNS Read"
}

data "iam_permission_groups" "zone_read" {
  name = "Zone Read"
}

# What the policy applies to, looked up by name like the permission groups.
data "iam_resource_groups" "production" {
  name = "production zones"
}

resource "iam_user_group" "sre" {
  name = "sre"

  # A set: the order of policies and of the IDs inside them never shows as a diff.
  policies = [{
    access            = "allow"
    permission_groups = [data.iam_permission_groups.dns_read.id, data.iam_permission_groups.zone_read.id]
    resource_groups   = [data.iam_resource_groups.production.id]
  }]
}
