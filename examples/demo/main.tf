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

# Look roles and permission groups up by name: configurations never hard-code their IDs.
data "iam_roles" "all" {}

data "iam_permission_groups" "dns_read" {
  name = "DNS Read"
}

output "role_count" {
  value = length(data.iam_roles.all.items)
}

output "administrator_role_id" {
  value = data.iam_roles.all.ids_by_name["Administrator"]
}

output "dns_read_permission_group_id" {
  value = data.iam_permission_groups.dns_read.id
}
