import {
  to = iam_account_member.jane
  id = "0123456789abcdef0123456789abcdef/jane@example.com" # <account_id>/<email> or <account_id>/<member_id>
}
