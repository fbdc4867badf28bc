data "iam_roles" "all" {}

# An invitation with roles looked up by name. Accepting it later is not drift.
resource "iam_account_member" "jane" {
  email = "jane@example.com"
  roles = [data.iam_roles.all.ids_by_name["Administrator Read Only"], data.iam_roles.all.ids_by_name["DNS"]]
}

# Policies instead of roles (exactly one of the two).
data "iam_permission_groups" "all" {}
data "iam_resource_groups" "all" {}

resource "iam_account_member" "auditor" {
  email = "auditor@example.com"
  policies = [{
    access            = "allow"
    permission_groups = [data.iam_permission_groups.all.ids_by_name["Analytics Read"]]
    resource_groups   = [data.iam_resource_groups.all.ids_by_name["production zones"]]
  }]
}
