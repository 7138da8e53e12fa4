terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# A read-only token for the CI pipeline: directory reads only, usable from the CI runners'
# addresses only, and expiring on a fixed date.
resource "tokenhub_api_token" "ci" {
  name       = "ci-directory-reader"
  scopes     = ["members.read-all", "groups.read-all", "systems.read-all"]
  expires_at = "2030-01-01T00:00:00Z"
  allowed_ips = [
    "203.0.113.0/24", # CI runner subnet
    "198.51.100.7",   # release runner (same as 198.51.100.7/32)
  ]
}

# A token for the logging integration (SIEM) that pulls every audit and security log.
# No expiry and no IP allowlist; it can be switched off without deleting it.
resource "tokenhub_api_token" "siem" {
  name = "siem-log-export"
  scopes = [
    "gateway-log.read",
    "system-logs.read",
    "threat-blocker-logs.read",
    "device-posture-check-logs.read",
    "admin-logs.read",
  ]
  enabled = true
}

# The hint (first characters of the secret) is safe to show; it helps to recognise a token.
output "ci_token_hint" {
  value = tokenhub_api_token.ci.token_hint
}

# The secret is only known right after creation (and rotation). Read it with
# `terraform output -raw siem_token` and hand it to the integration's secret store.
output "siem_token" {
  value     = tokenhub_api_token.siem.token
  sensitive = true
}
