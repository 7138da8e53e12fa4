# The tokenhub demo: the tokens a small team issues for its integrations.
# `make demo` runs this against a local tokenhub server (endpoint and token from the environment:
# TOKENHUB_ENDPOINT, TOKENHUB_TOKEN) with the provider built from this repository.

terraform {
  required_version = ">= 1.8"
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

provider "tokenhub" {}

# CI pipeline: reads the directory, only from the CI runners, until a fixed date.
resource "tokenhub_api_token" "ci_reader" {
  name        = "ci-directory-reader"
  scopes      = ["members.read-all", "groups.read-all", "systems.read-all"]
  allowed_ips = ["203.0.113.0/24", "198.51.100.7"]
  expires_at  = var.ci_token_expires_at
}

# Deploy pipeline: a service account that may only read and update systems, and the one token
# it owns. The token can never do more than its owner: take a permission away from
# svc-deployer and the server removes it from the token too; disable svc-deployer and the token
# stops working (plans stay clean and warn). The provider's token must be an admin's to issue a
# token for another member.
resource "tokenhub_member" "deployer" {
  username    = "svc-deployer"
  permissions = ["systems.read-all", "systems.update"]
}

resource "tokenhub_api_token" "deployer" {
  name       = "deploy-pipeline"
  owner      = tokenhub_member.deployer.id
  scopes     = ["systems.read-all", "systems.update"]
  expires_at = "2030-06-30T00:00:00Z"
}

# The scope catalogue, read from the server.
data "tokenhub_scopes" "catalogue" {}

# Logging integration (SIEM): every log stream, nothing else. The scopes come from the
# catalogue's "logs" group: gateway-log.read, system-logs.read, threat-blocker-logs.read,
# device-posture-check-logs.read and admin-logs.read.
resource "tokenhub_api_token" "log_export" {
  name       = "siem-log-export"
  scopes     = [for s in data.tokenhub_scopes.catalogue.scopes : s.name if s.group == "logs"]
  expires_at = "2030-06-30T00:00:00Z"
}

# Device inventory sync for the MDM: reads devices and gateways, from the office egress only.
resource "tokenhub_api_token" "inventory_sync" {
  name        = "mdm-inventory-sync"
  scopes      = ["devices.read-all", "gateway.read-all"]
  allowed_ips = ["198.51.100.0/28"]
}

# Break-glass: broad directory write access that exists only while an incident needs it.
# Open it with `-var break_glass_open=true` (read the secret with
# `terraform output -raw break_glass_token`) and close it by applying without the variable, which
# revokes the token. Not a standing disabled token: the server deletes tokens that stay disabled
# for 7 days, after which Terraform would recreate it with a new secret, silently invalidating
# any copy kept in a vault.
resource "tokenhub_api_token" "break_glass" {
  count = var.break_glass_open ? 1 : 0

  name = "break-glass-directory-admin"
  scopes = [
    "members.read-all",
    "members.update",
    "members.disconnect",
    "groups.update",
    "member-group-relation.delete",
  ]
  lifetime = "24h" # even if nobody closes it, it stops working after a day
}
