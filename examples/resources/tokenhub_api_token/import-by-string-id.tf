# Terraform 1.5 and later, and OpenTofu: import by id in configuration.
import {
  to = tokenhub_api_token.ci
  id = "6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40"
}
