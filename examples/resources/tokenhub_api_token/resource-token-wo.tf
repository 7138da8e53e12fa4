terraform {
  required_version = ">= 1.11" # write-only arguments (OpenTofu: >= 1.11 too)
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

variable "ci_secret_version" {
  description = "Bump to rotate the CI token to a new secret, written to the CI system in the same apply."
  type        = number
  default     = 1
}

# A secret made by the provider for this run only: never in plan or state.
ephemeral "tokenhub_token_secret" "ci" {}

# The token takes that secret through the write-only token_wo: the server keeps its digest,
# Terraform keeps token_wo_version and token_hint, and token stays null.
resource "tokenhub_api_token" "ci" {
  name             = "ci-deploy"
  scopes           = ["members.read-all", "groups.read-all"]
  lifetime         = "2160h" # 90 days from each create or rotation
  rotation_overlap = "1h"    # the previous secret keeps working 1 hour after a rotation

  token_wo         = ephemeral.tokenhub_token_secret.ci.value
  token_wo_version = var.ci_secret_version
}

# The same ephemeral value goes to the consumer in the same apply, after the token took it
# (triggers_replace reads the token's version): here the GitHub CLI stores it as an Actions
# secret, from stdin. A secret store's own write-only argument (Vault's data_json_wo, AWS Secrets
# Manager's secret_string_wo) does the same.
resource "terraform_data" "ci_secret" {
  triggers_replace = tokenhub_api_token.ci.token_wo_version

  provisioner "local-exec" {
    command = "printf %s \"$TOKEN\" | gh secret set TOKENHUB_TOKEN --repo acme/app"
    environment = {
      TOKEN = ephemeral.tokenhub_token_secret.ci.value
    }
  }
}
