# The demo configuration that `make demo` applies against the local API emulator. The provider
# reads CLOUDFLARE_BASE_URL, CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID from the environment.
terraform {
  required_providers {
    iam = {
      source = "iamkit/iam"
    }
  }
}

provider "iam" {}

# Look roles, permission groups and resource groups up by name: never hard-code their IDs.
data "iam_roles" "all" {}

data "iam_permission_groups" "all" {}

data "iam_resource_groups" "production" {
  name = "production zones"
}

resource "iam_user_group" "sre" {
  name = "sre"
  policies = [{
    access = "allow"
    permission_groups = [
      data.iam_permission_groups.all.ids_by_name["DNS Write"],
      data.iam_permission_groups.all.ids_by_name["Zone Read"],
    ]
    resource_groups = [data.iam_resource_groups.production.id]
  }]
}

resource "iam_user_group" "auditors" {
  name = "auditors"
  policies = [{
    access            = "allow"
    permission_groups = [data.iam_permission_groups.all.ids_by_name["Analytics Read"]]
    resource_groups   = [data.iam_resource_groups.production.id]
  }]
}

output "administrator_role_id" {
  value = data.iam_roles.all.ids_by_name["Administrator"]
}

output "groups" {
  value = { for g in [iam_user_group.sre, iam_user_group.auditors] : g.name => g.id }
}
