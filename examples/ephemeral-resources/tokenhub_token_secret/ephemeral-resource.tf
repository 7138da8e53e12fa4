terraform {
  required_version = ">= 1.11" # write-only arguments (OpenTofu: >= 1.11 too)
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

variable "secret_version" {
  description = "Bump to give the token, and its consumer, a new secret."
  type        = number
  default     = 1
}

# A new secret every run; the token and the consumer take it only when the version changes.
ephemeral "tokenhub_token_secret" "reports" {}

resource "tokenhub_api_token" "reports" {
  name             = "reports-export"
  scopes           = ["admin-logs.read"]
  token_wo         = ephemeral.tokenhub_token_secret.reports.value
  token_wo_version = var.secret_version
}

resource "terraform_data" "reports_secret" {
  triggers_replace = tokenhub_api_token.reports.token_wo_version

  provisioner "local-exec" {
    # Writes the secret to a file only its owner can read, on the machine that runs Terraform.
    command = "umask 077 && printf %s \"$TOKEN\" > \"$HOME/.config/reports/token\""
    environment = {
      TOKEN = ephemeral.tokenhub_token_secret.reports.value
    }
  }
}

# Safe to show: the first characters of the secret, which the token shows as token_hint.
output "reports_token_hint" {
  value = tokenhub_api_token.reports.token_hint
}
