# By member ID or by email; the account part may be left out when the provider sets account_id.
terraform import iam_account_member.jane 0123456789abcdef0123456789abcdef/4d3c2b1a0f9e8d7c6b5a493827161504
terraform import iam_account_member.jane 0123456789abcdef0123456789abcdef/jane@example.com
