variable "ci_token_expires_at" {
  description = "When the CI token stops working (RFC 3339, in the future)."
  type        = string
  default     = "2030-01-01T00:00:00Z"
}

variable "break_glass_open" {
  description = "Whether the break-glass token exists (true only during an incident)."
  type        = bool
  default     = false
}
