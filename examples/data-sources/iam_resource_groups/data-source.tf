data "iam_resource_groups" "all" {}

# The resource group that covers the whole account.
output "account_scope_id" {
  value = data.iam_resource_groups.all.ids_by_name["com.cloudflare.api.account.0123456789abcdef0123456789abcdef"]
}
