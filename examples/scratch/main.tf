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
