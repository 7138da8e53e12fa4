# The import command (Terraform and OpenTofu), for one-off imports: it records the token in state
# without a secret (`token` stays null until the token is rotated).
terraform import tokenhub_api_token.deployer 6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40

# Or let Terraform write the resource block: put only the import block in a file, then
terraform plan -generate-config-out=generated.tf
