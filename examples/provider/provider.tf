terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Both settings can come from the environment instead: TOKENHUB_ENDPOINT and TOKENHUB_TOKEN.
# Keep the token out of configuration files; a variable marked sensitive or the environment
# variable is the usual place for it.
provider "tokenhub" {
  endpoint = "https://tokenhub.example.com"
  token    = var.tokenhub_token
}

variable "tokenhub_token" {
  description = "A tokenhub API token with the token.* scopes this configuration needs."
  type        = string
  sensitive   = true
}
