# adopt.tfquery.hcl, beside a configuration with the tokenhub provider block. Then:
#   terraform query                                  lists the matches
#   terraform query -generate-config-out=adopt.tf    writes resource + import blocks for them
list "tokenhub_api_token" "ci" {
  provider = tokenhub
  limit    = 1000 # Terraform's default is 100 results per list block

  config {
    name_prefix = "ci-"
    status      = "active"
  }
}

# Tokens nobody used for 90 days: candidates for revocation rather than adoption.
list "tokenhub_api_token" "stale" {
  provider = tokenhub

  config {
    unused_for = "2160h" # 90 days; never-used tokens count from creation
  }
}

# Tokens about to expire that hold a scope worth reviewing.
list "tokenhub_api_token" "expiring_admins" {
  provider = tokenhub

  config {
    scope           = "token.delete" # applied by the provider; the rest by the server
    expiring_within = "720h"         # 30 days
  }
}
