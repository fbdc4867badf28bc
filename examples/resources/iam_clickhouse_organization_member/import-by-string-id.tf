import {
  to = iam_clickhouse_organization_member.jane
  id = "3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b/jane@example.com" # <organization_id>/<email> or <organization_id>/<user_id>
}
