# Adopts the members of the account that the configuration lists (with exclusive = true, the plan
# also names everyone else for removal). Nobody else is taken in.
import {
  to = iam_account_members.staff
  id = "0123456789abcdef0123456789abcdef" # <account_id>
}
