terraform {
  required_version = ">= 1.10" # ephemeral resources; OpenTofu >= 1.11
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Endpoint and token from TOKENHUB_ENDPOINT and TOKENHUB_TOKEN. The provider's token needs
# token.create, token.update and token.delete, and must hold the scopes granted below.
provider "tokenhub" {}

# A token for this run only, handed to a script through its environment: it is in neither the
# plan, the state, the command line nor the log, and it is revoked when the run ends.
ephemeral "tokenhub_api_token" "script" {
  name   = "deploy script"
  scopes = ["token.read"]
  ttl    = "10m"
}

resource "terraform_data" "deploy" {
  # Runs when terraform_data.deploy is created; give it triggers_replace to run again on a change.
  provisioner "local-exec" {
    # The script inherits Terraform's environment (TOKENHUB_ENDPOINT) plus these variables.
    command = "curl -sf -H \"Authorization: Bearer $SCRIPT_TOKEN\" \"$TOKENHUB_ENDPOINT/api/v1/me\""
    environment = {
      SCRIPT_TOKEN = ephemeral.tokenhub_api_token.script.token
    }
  }
}
