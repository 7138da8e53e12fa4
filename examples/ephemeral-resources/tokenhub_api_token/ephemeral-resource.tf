# A token that exists only while this Terraform run does (Terraform >= 1.10): created when
# the run opens it, revoked when the run ends, never stored in the plan or state.
ephemeral "tokenhub_api_token" "deploy" {
  name   = "deploy run"
  scopes = ["token.create", "token.read", "token.update", "token.delete"]
  ttl    = "30m" # the latest it stops working, should the run be killed before revoking it
}

# Use it to configure a provider for this run only: here, a second tokenhub provider that
# manages tokens as a less privileged identity than the main provider's token.
provider "tokenhub" {
  alias    = "deploy"
  endpoint = "https://tokenhub.example.com"
  token    = ephemeral.tokenhub_api_token.deploy.token
}

resource "tokenhub_api_token" "reader" {
  provider = tokenhub.deploy
  name     = "directory reader"
  scopes   = ["token.read"]
}

# Or pass it to another resource's write-only argument, which is never stored either.
# The token is revoked when the run ends, so the receiver must use it during the run
# (here a secret version read by a job this apply starts and awaits); for a secret that
# outlives the run, use the tokenhub_api_token resource with rotation instead.
resource "aws_secretsmanager_secret" "deploy_run" {
  name = "tokenhub/deploy-run"
}

resource "aws_secretsmanager_secret_version" "deploy_run" {
  secret_id                = aws_secretsmanager_secret.deploy_run.id
  secret_string_wo         = ephemeral.tokenhub_api_token.deploy.token
  secret_string_wo_version = 1
}
