# The demo configuration that `make demo` applies against the local API emulator. The provider
# reads CLOUDFLARE_BASE_URL, CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID, and for ClickHouse
# Cloud CLICKHOUSE_API_URL, CLICKHOUSE_TOKEN_KEY, CLICKHOUSE_TOKEN_SECRET and CLICKHOUSE_ORG_ID,
# from the environment.
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

# Members with roles looked up by name. The emulator accepts "accepted" (direct add) like an
# entitled account; without the entitlement leave status out and an invitation is sent.
resource "iam_account_member" "alice" {
  email  = "alice@example.com"
  status = "accepted"
  roles  = [data.iam_roles.all.ids_by_name["Administrator Read Only"]]
}

resource "iam_account_member" "bob" {
  email = "bob@example.com"
  roles = [data.iam_roles.all.ids_by_name["DNS"], data.iam_roles.all.ids_by_name["Analytics"]]
}

resource "iam_account_member" "carol" {
  email = "carol@example.com"
  roles = [data.iam_roles.all.ids_by_name["Billing"]]
}

# Authoritative: these are all the members of sre, applied with one request.
resource "iam_user_group_membership" "sre" {
  user_group_id = iam_user_group.sre.id
  members       = [iam_account_member.alice.id, iam_account_member.bob.id]
}

# Additive: carol is added to auditors; members added there by others are left alone.
resource "iam_user_group_membership" "auditors" {
  user_group_id = iam_user_group.auditors.id
  exclusive     = false
  members       = [iam_account_member.carol.id]
}

# The same person can be in the ClickHouse Cloud organization too: an invitation with organization
# roles looked up by name; when it is accepted, the status becomes "active" and nothing is planned.
data "iam_clickhouse_roles" "all" {}

resource "iam_clickhouse_organization_member" "alice" {
  email    = "alice@example.com"
  role_ids = [data.iam_clickhouse_roles.all.ids_by_name["Member"]]
}

output "clickhouse_members" {
  value = { (iam_clickhouse_organization_member.alice.email) = iam_clickhouse_organization_member.alice.status }
}

output "members" {
  value = { for m in [iam_account_member.alice, iam_account_member.bob, iam_account_member.carol] : m.email => m.status }
}

output "administrator_role_id" {
  value = data.iam_roles.all.ids_by_name["Administrator"]
}

output "groups" {
  value = { for g in [iam_user_group.sre, iam_user_group.auditors] : g.name => g.id }
}
