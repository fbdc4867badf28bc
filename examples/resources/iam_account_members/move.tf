# Moving people from iam_account_member resources into one iam_account_members, in one apply that
# sends no request: Terraform forgets the single resources (destroy = false keeps the people) and
# the import adopts the people the map lists.
removed {
  from = iam_account_member.jane
  lifecycle {
    destroy = false
  }
}

removed {
  from = iam_account_member.bob
  lifecycle {
    destroy = false
  }
}

import {
  to = iam_account_members.staff
  id = "0123456789abcdef0123456789abcdef"
}

resource "iam_account_members" "staff" {
  members = {
    "jane@example.com" = { roles = ["4d3c2b1a0f9e8d7c6b5a493827161504"] }
    "bob@example.com"  = { roles = ["4d3c2b1a0f9e8d7c6b5a493827161504"] }
  }
}
