terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# Every active token that can read the admin logs.
data "tokenhub_api_tokens" "admin_log_readers" {
  status = "active"
  scope  = "admin-logs.read"
}

# Tokens that expire before a cut-off date: candidates for rotation.
data "tokenhub_api_tokens" "expiring" {
  expires_before = "2030-03-31T00:00:00Z"
}

# CI tokens nobody used for 90 days (never-used ones count from creation).
data "tokenhub_api_tokens" "stale_ci" {
  name_prefix = "ci-"
  unused_for  = "2160h" # 90 days
}

# Every token, grouped below.
data "tokenhub_api_tokens" "all" {}

output "admin_log_readers" {
  value = [for t in data.tokenhub_api_tokens.admin_log_readers.tokens : "${t.name} (${t.token_hint})"]
}

# Keyed by id: names need not be unique, so a map keyed by name fails with
# "Duplicate object key" as soon as two tokens share one.
output "expiring_soon" {
  value = { for t in data.tokenhub_api_tokens.expiring.tokens : t.id => "${t.name} expires ${t.expires_at}" }
}

# Grouped by name (the ... collects every token of a name into a list).
output "ids_by_name" {
  value = { for t in data.tokenhub_api_tokens.all.tokens : t.name => t.id... }
}

output "stale_ci" {
  value = [for t in data.tokenhub_api_tokens.stale_ci.tokens : "${t.name} last used ${coalesce(t.last_used_at, "never")}"]
}

# Never used: last_used_at is null for a token that has not authenticated a request.
output "never_used" {
  value = [for t in data.tokenhub_api_tokens.all.tokens : t.id if t.last_used_at == null]
}
