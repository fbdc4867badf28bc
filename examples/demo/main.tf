# The demo configuration that `make demo` applies against the local API emulator. The provider
# reads CLOUDFLARE_BASE_URL, CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID from the environment.
terraform {
  required_providers {
    iam = {
      source = "iamkit/iam"
    }
  }
}

provider "iam" {}

output "provider_ready" {
  value = "the iam provider is configured"
}
