terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

# A token rotated in place on a schedule and on demand. It lives 30 days (expires_at is
# computed at apply: the plan that creates or rotates it shows it as known after apply); in its
# last 7 days the plan shows a rotation (new secret, same id, expiry extended). Changing rotation_triggers rotates it at once. After each
# rotation the previous secret keeps working for 1 hour, so consumers can switch over.
resource "tokenhub_api_token" "deployer" {
  name          = "deployer"
  scopes        = ["token.read"]
  lifetime      = "720h"
  rotate_before = "168h"

  rotation_overlap = "1h"
  rotation_triggers = {
    release = "2026.06" # any change rotates the secret
  }
}
