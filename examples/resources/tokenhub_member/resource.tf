terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# A service account for the CI pipeline. Its tokens can use only the permissions listed here:
# a token granted anything else is refused, and removing a permission here removes it from
# every token the account owns.
resource "tokenhub_member" "ci" {
  username    = "svc-ci"
  permissions = ["members.read-all", "groups.read-all", "systems.read-all"]
}

# A least-privilege token owned by the service account (the provider's own token must belong
# to an admin to issue a token for another member).
resource "tokenhub_api_token" "ci_reader" {
  name   = "ci-directory-reader"
  owner  = tokenhub_member.ci.id
  scopes = ["members.read-all", "groups.read-all"]
}

# Switching a member off stops all of their tokens at once, without touching each token's
# own `enabled`; switching it back on restores them. Tokens stay deleted-after-7-days like any
# disabled token, so do not leave a service account disabled for a week.
resource "tokenhub_member" "contractor" {
  username    = "jane.doe@example.com"
  permissions = ["token.read", "token.create", "token.delete", "members.read"]
  enabled     = true
}
