terraform {
  required_providers {
    iam = {
      source = "iamkit/iam"
    }
  }
}

# Credentials come from CLOUDFLARE_API_TOKEN; never write a token into a configuration file.
provider "iam" {
  account_id = "0123456789abcdef0123456789abcdef"
}
