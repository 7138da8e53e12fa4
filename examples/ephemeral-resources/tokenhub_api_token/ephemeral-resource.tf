terraform {
  required_version = ">= 1.10" # ephemeral resources; OpenTofu >= 1.11
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# The main provider: endpoint and token from TOKENHUB_ENDPOINT and TOKENHUB_TOKEN. Its token
# needs token.create, token.update (to renew) and token.delete, and must hold the scopes granted
# below.
provider "tokenhub" {}

# A token that exists only while this Terraform run does: created when the run opens it,
# revoked when the run ends, never stored in the plan or state.
ephemeral "tokenhub_api_token" "deploy" {
  name   = "deploy run"
  scopes = ["token.create", "token.read", "token.update", "token.delete"]
  ttl    = "30m" # the latest it stops working, should the run be killed before revoking it
}

# Use it to configure a provider for this run only: here, a second tokenhub provider that
# manages tokens as a less privileged identity than the main provider's token.
provider "tokenhub" {
  alias = "deploy"
  token = ephemeral.tokenhub_api_token.deploy.token
}

resource "tokenhub_api_token" "reader" {
  provider = tokenhub.deploy
  name     = "directory reader"
  scopes   = ["token.read"]
}

# Ephemeral values may also go to write-only arguments of other providers' resources (a
# secret store's secret version, say), which are never stored either. The token is revoked when
# the run ends, so the receiver must use it during the run; for a secret that outlives the
# run, use the tokenhub_api_token resource with rotation instead.
