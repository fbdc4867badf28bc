# <account_id>/<user_group_id>; the account part may be left out when the provider sets account_id.
# An imported membership is authoritative (exclusive = true).
terraform import iam_user_group_membership.sre 0123456789abcdef0123456789abcdef/5f1e6c0d2b3a4c5d6e7f8091a2b3c4d5
