# Terraform and OpenTofu 1.12 and later: import by the member's identity. `terraform query`
# with the tokenhub_member list resource writes blocks like this one for every member it finds.
terraform {
  required_version = ">= 1.12"
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

import {
  to = tokenhub_member.ci
  identity = {
    id = "3e0c7c56-5f0e-4d8b-9a59-6b1f2d4c8e21"
  }
}

resource "tokenhub_member" "ci" {
  username    = "svc-ci"
  permissions = ["members.read-all", "groups.read-all", "systems.read-all"]
}
