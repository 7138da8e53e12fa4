terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Adopt a token made outside Terraform (with curl, say) and get a fresh secret for it, in one
# `terraform apply`: the import block brings it under management (same id), and setting
# rotation_triggers on an imported token rotates it at once, because Terraform holds no secret
# for it. rotation_overlap keeps the old secret working for an hour, so whoever uses it now
# has time to switch. Leave rotation_triggers out to import without rotating.
import {
  to = tokenhub_api_token.deployer
  id = "6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40" # from GET /api/v1/tokens or the tokenhub_api_tokens data source
}

resource "tokenhub_api_token" "deployer" {
  name             = "deployer"
  scopes           = ["token.read"]
  rotation_overlap = "1h"
  rotation_triggers = {
    adopted = "2026-11-29"
  }
}

# The new secret, for the consumer's secret store: terraform output -raw deployer_token
output "deployer_token" {
  value     = tokenhub_api_token.deployer.token
  sensitive = true
}
