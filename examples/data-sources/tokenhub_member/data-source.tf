terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Look a member up by username (or by id) to use it as a token's owner.
data "tokenhub_member" "ci" {
  username = "svc-ci"
}

output "ci_member_permissions" {
  value = data.tokenhub_member.ci.permissions
}
