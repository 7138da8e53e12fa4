terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Look a token up by name: the name must match exactly one token the provider's token can see
# (names need not be unique; with two tokens of that name the lookup fails and lists their ids)...
data "tokenhub_api_token" "ci" {
  name = "ci-directory-reader"
}

# ...or by id, which is always unambiguous.
data "tokenhub_api_token" "by_id" {
  id = "6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40"
}

# Data sources never expose the secret; the hint identifies the token, and the audit times show
# whether it is still in use.
output "ci_token" {
  value = {
    id           = data.tokenhub_api_token.ci.id
    status       = data.tokenhub_api_token.ci.status
    token_hint   = data.tokenhub_api_token.ci.token_hint
    expires_at   = data.tokenhub_api_token.ci.expires_at
    last_used_at = data.tokenhub_api_token.ci.last_used_at
  }
}
