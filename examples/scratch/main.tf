# A starting point for your own configuration next to `make demo`: copy it into .demo/scratch/
# (the demo never touches that folder), `source .demo/env.sh`, then terraform -chdir=.demo/scratch apply.
terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Endpoint and token come from TOKENHUB_ENDPOINT and TOKENHUB_TOKEN (set by .demo/env.sh).
provider "tokenhub" {}

resource "tokenhub_api_token" "mine" {
  name   = "my-first-token"
  scopes = ["token.read"]
}

output "mine" {
  value = "${tokenhub_api_token.mine.name}: ${tokenhub_api_token.mine.id} (${tokenhub_api_token.mine.token_hint}…)"
}

# The secret itself: sensitive, so plan and apply print (sensitive value) instead of it.
# `terraform output -raw` prints it alone, to use it; for example, ask the API who it is:
#
#   curl -H "Authorization: Bearer $(terraform -chdir=.demo/scratch output -raw mine_secret)" "$TOKENHUB_ENDPOINT/api/v1/me"
output "mine_secret" {
  value     = tokenhub_api_token.mine.token
  sensitive = true
}
