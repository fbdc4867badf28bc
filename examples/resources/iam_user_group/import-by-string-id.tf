import {
  to = iam_user_group.sre
  id = "0123456789abcdef0123456789abcdef/sre" # <account_id>/<name> or <account_id>/<user_group_id>
}
