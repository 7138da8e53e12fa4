# Look a token up by name (names must be unique among the tokens you can see)...
data "tokenhub_api_token" "ci" {
  name = "ci-directory-reader"
}

# ...or by id, such as one managed elsewhere in the configuration.
data "tokenhub_api_token" "siem" {
  id = tokenhub_api_token.siem.id
}

# Data sources never expose the secret; the hint identifies the token.
output "ci_token" {
  value = {
    status     = data.tokenhub_api_token.ci.status
    token_hint = data.tokenhub_api_token.ci.token_hint
    expires_at = data.tokenhub_api_token.ci.expires_at
  }
}
