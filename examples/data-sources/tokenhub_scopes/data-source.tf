terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Every scope of the "logs" group, ready for a token's scopes: the group filter selects it and
# names is a set of scope names.
data "tokenhub_scopes" "logs" {
  group = "logs"
}

resource "tokenhub_api_token" "siem" {
  name   = "siem-log-export"
  scopes = data.tokenhub_scopes.logs.names
}

# The whole catalogue, with group and description (docs: guides/scopes).
data "tokenhub_scopes" "all" {}

# Scope names grouped by their group.
output "scopes_by_group" {
  value = { for s in data.tokenhub_scopes.all.scopes : s.group => s.name... }
}
