# Terraform and OpenTofu 1.12 and later: import by the token's identity. `terraform query` writes
# blocks like this one for every token it finds (see the guide "Adopting existing tokens").
terraform {
  required_version = ">= 1.12"
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

import {
  to = tokenhub_api_token.ci
  identity = {
    id = "6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40"
  }
}

resource "tokenhub_api_token" "ci" {
  name   = "ci-directory-reader"
  scopes = ["members.read-all", "groups.read-all"]
}
