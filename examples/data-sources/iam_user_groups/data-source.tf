# Adopt every existing group of the account in one plan (Terraform 1.7+): import blocks with
# for_each over the groups data source, keyed by group name.
data "iam_user_groups" "existing" {}

import {
  for_each = data.iam_user_groups.existing.ids_by_name
  to       = iam_user_group.adopted[each.key]
  id       = each.value
}

resource "iam_user_group" "adopted" {
  for_each = data.iam_user_groups.existing.ids_by_name
  name     = each.key
  # Add each group's policies here once imported; `terraform plan -generate-config-out` can draft them.
}
