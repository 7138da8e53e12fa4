# members.tfquery.hcl, beside a configuration with the tokenhub provider block. Then:
#   terraform query                                    lists the matches
#   terraform query -generate-config-out=members.tf    writes resource + import blocks for them
list "tokenhub_member" "service_accounts" {
  provider = tokenhub
  limit    = 1000 # Terraform's default is 100 results per list block

  config {
    username_prefix = "svc-" # applied by the provider
    role            = "member"
  }
}

# Members switched off: review them before their tokens are deleted (7 days after).
list "tokenhub_member" "disabled" {
  provider = tokenhub

  config {
    enabled = false
  }
}

# Who may revoke tokens (admins hold every permission, so they are listed too).
list "tokenhub_member" "revokers" {
  provider = tokenhub

  config {
    permission = "token.delete"
  }
}

# One member by its exact username (filtered by the server).
list "tokenhub_member" "ci" {
  provider = tokenhub

  config {
    username = "svc-ci"
  }
}
