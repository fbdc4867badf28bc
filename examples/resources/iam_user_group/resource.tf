data "iam_permission_groups" "dns_read" {
  name = "DNS Read"
}

data "iam_permission_groups" "zone_read" {
  name = "Zone Read"
}

resource "iam_user_group" "sre" {
  name = "sre"

  # A set: the order of policies and of the IDs inside them never shows as a diff.
  policies = [{
    access            = "allow"
    permission_groups = [data.iam_permission_groups.dns_read.id, data.iam_permission_groups.zone_read.id]
    resource_groups   = ["9a7806061c88ada191ed06f989cc3dac"]
  }]
}
