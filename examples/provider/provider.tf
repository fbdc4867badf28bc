terraform {
  required_providers {
    iam = {
      source = "iamkit/iam"
    }
  }
}

# Credentials come from CLOUDFLARE_API_TOKEN and, for ClickHouse Cloud, CLICKHOUSE_TOKEN_KEY and
# CLICKHOUSE_TOKEN_SECRET; never write a token into a configuration file. Each API's credentials are
# needed only when a resource or data source of that API is used.
provider "iam" {
  account_id = "0123456789abcdef0123456789abcdef"

  clickhouse {
    organization_id = "3b0a4d56-1f2e-4c3d-9a8b-7c6d5e4f3a2b" # or CLICKHOUSE_ORG_ID
  }
}
