import {
  to = iam_user_group_membership.sre
  id = "0123456789abcdef0123456789abcdef/5f1e6c0d2b3a4c5d6e7f8091a2b3c4d5" # <account_id>/<user_group_id>
}
