locals {
  tokens = {
    ci_reader      = tokenhub_api_token.ci_reader
    log_export     = tokenhub_api_token.log_export
    inventory_sync = tokenhub_api_token.inventory_sync
    deployer       = tokenhub_api_token.deployer
  }
  # The break-glass token only while it is open (see main.tf).
  all_tokens = merge(local.tokens, { for t in tokenhub_api_token.break_glass : "break_glass" => t })
  row        = "%-28s %-13s %-9s %-10s %-21s %s"
  # Owners by username: the service account's tokens, else the provider's own (admin) member.
  owners = { (tokenhub_member.deployer.id) = tokenhub_member.deployer.username }
}

# What was issued, without secrets: the hint is enough to recognise a token.
output "tokens" {
  value = {
    for k, t in local.all_tokens : k => {
      id          = t.id
      name        = t.name
      scopes      = sort(t.scopes)
      allowed_ips = t.allowed_ips == null ? [] : sort(t.allowed_ips)
      token_hint  = t.token_hint
      expires_at  = t.expires_at
      status      = t.status
      owner       = t.owner
    }
  }
}

# The same as a table, for `terraform output -raw summary`.
output "summary" {
  value = join("\n", concat(
    [format(local.row, "NAME", "OWNER", "STATUS", "HINT", "EXPIRES", "SCOPES")],
    [
      for t in values(local.all_tokens) :
      format(local.row, t.name, lookup(local.owners, t.owner, "admin"), t.status, t.token_hint, coalesce(t.expires_at, "never"), join(", ", sort(t.scopes)))
    ],
  ))
}

# The break-glass secret, while the token is open: terraform output -raw break_glass_token
output "break_glass_token" {
  value     = one(tokenhub_api_token.break_glass[*].token)
  sensitive = true
}
