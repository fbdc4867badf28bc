# Adopt every existing group of the account in one plan (Terraform 1.7+): import blocks with
# for_each over the groups data source, keyed by group name. Each group's policies are carried
# over from the data source, so adopting changes nothing; replace them with literal policies later.
data "iam_user_groups" "existing" {}

locals {
  existing_groups = { for g in data.iam_user_groups.existing.groups : g.name => g }
}

import {
  for_each = local.existing_groups
  to       = iam_user_group.adopted[each.key]
  id       = each.value.id
}

resource "iam_user_group" "adopted" {
  for_each = local.existing_groups
  name     = each.value.name
  policies = each.value.policies
}
