import {
  to = iam_user_group.sre
  identity = {
    id         = "3a5c7e9f1b2d4f6a8c0e2b4d6f8a0c1e"
    account_id = "0123456789abcdef0123456789abcdef" # optional: the provider's account_id when left out
  }
}
