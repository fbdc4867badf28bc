# Moving jane out into her own iam_account_member, in one apply that sends no request: forget the
# bulk resource, import it again under a new address without jane, and import jane alone.
removed {
  from = iam_account_members.staff
  lifecycle {
    destroy = false
  }
}

import {
  to = iam_account_members.people
  id = "0123456789abcdef0123456789abcdef"
}

resource "iam_account_members" "people" {
  members = {
    "bob@example.com" = { roles = ["4d3c2b1a0f9e8d7c6b5a493827161504"] }
  }
}

import {
  to = iam_account_member.jane
  id = "0123456789abcdef0123456789abcdef/jane@example.com"
}

resource "iam_account_member" "jane" {
  email = "jane@example.com"
  roles = ["4d3c2b1a0f9e8d7c6b5a493827161504"]
}
