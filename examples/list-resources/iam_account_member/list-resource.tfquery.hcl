# Every member of the provider's account. `terraform query -generate-config-out=members.tf` writes an
# import block (by identity) and a resource block for each; `terraform plan` then imports them with
# no change. Terraform returns at most `limit` results per list block (100 unless set).
list "iam_account_member" "all" {
  provider = iam
  limit    = 1000

  # Optional filters:
  # config {
  #   email_contains = "@example.com" # case-insensitive
  #   status         = "accepted"     # pending, accepted or rejected
  # }
}
