# By email (a member or a pending invitation) or by user ID (a member); the organization part may be
# left out when the provider's clickhouse block sets organization_id.
terraform import iam_clickhouse_organization_member.jane 3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b/jane@example.com
terraform import iam_clickhouse_organization_member.jane 3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b/6f1d2c3b-4a59-4e68-8d7c-0b1a2f3e4d5c
