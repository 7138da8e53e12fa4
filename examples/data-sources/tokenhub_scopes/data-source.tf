# The scope catalogue, for validating or building scope lists.
data "tokenhub_scopes" "all" {}

# Every log-reading scope (group "logs"), e.g. for a logging integration's token.
output "log_scopes" {
  value = sort([for s in data.tokenhub_scopes.all.scopes : s.name if s.group == "logs"])
}

# Scope names grouped by their group.
output "scopes_by_group" {
  value = { for s in data.tokenhub_scopes.all.scopes : s.group => s.name... }
}
