# Every active token that can read the admin logs.
data "tokenhub_api_tokens" "admin_log_readers" {
  status = "active"
  scope  = "admin-logs.read"
}

# Tokens that expire before a cut-off date: candidates for rotation.
data "tokenhub_api_tokens" "expiring" {
  expires_before = "2030-03-31T00:00:00Z"
}

output "admin_log_readers" {
  value = [for t in data.tokenhub_api_tokens.admin_log_readers.tokens : "${t.name} (${t.token_hint})"]
}

output "expiring_soon" {
  value = { for t in data.tokenhub_api_tokens.expiring.tokens : t.name => t.expires_at }
}
