import {
  to = iam_account_member.jane
  identity = {
    id         = "5f7d3b1e9c2a4d6f8e0b1a3c5d7e9f01"
    account_id = "0123456789abcdef0123456789abcdef" # optional: the provider's account_id when left out
  }
}
