# Import an existing token by its id (a UUID). The secret is shown only when a token is created
# or rotated, so after import the `token` attribute stays empty: rotate the token if Terraform
# should hand out its secret.
terraform import tokenhub_api_token.ci 6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40
