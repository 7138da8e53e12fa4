# Sourced by terraform-path.sh and tofu-path.sh (and scripts_test.go): a CLI's version.
#
# Each reads the CLI's whole output. A reader that stops at the first line (`head -1`,
# `grep -m1`, `grep -q`, `sed …q`) kills a CLI that is still writing with SIGPIPE, and under
# `set -o pipefail` the assignment `v=$(…)` then fails the calling script with exit 141: CI
# failed that way 1 run in 5 on a cold, loaded machine.

# The Terraform CLIs the project tests with, by role (scripts/terraform-path.sh takes the role as
# its argument: `terraform-path.sh newest`). The matrix (scripts/matrix) runs each of them.
TF_OLDEST=1.8.5        # the oldest supported; `go install` builds it (1.9+ need the recipe)
TF_QUERY_OLDEST=1.14.5 # the oldest with `terraform query` (list resources)
TF_NEWEST=1.16.3       # the newest whose source the module proxy serves (1.17's is refused)

terraform_version() { # $1 = path to a terraform binary; prints "1.16.3"
  "$1" version 2>/dev/null | sed -n 's/^Terraform v\([0-9][0-9.]*\).*/\1/p'
}

tofu_version() { # $1 = path to a tofu binary; prints "1.12.6"
  # Without TF_CLI_CONFIG_FILE: tofu prints warnings about a missing config file on stdout.
  env -u TF_CLI_CONFIG_FILE "$1" version 2>/dev/null | sed -n 's/^OpenTofu v\([0-9][0-9.]*\).*/\1/p'
}

at_least() { # $1 = minimum minor of 1.x ("8"), $2 = version string ("1.16.3"); true when >= 1.$1
  local major minor
  IFS=. read -r major minor _ <<<"$2"
  [ -n "$major" ] && [ -n "$minor" ] && { [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge "$1" ]; }; }
}

at_least_1_8() { at_least 8 "$1"; } # $1 = version string; true when >= 1.8

cli_version() { # $1 = path to a terraform or tofu binary; prints "Terraform 1.16.3" or "OpenTofu 1.12.6"
  local v
  if v=$(terraform_version "$1") && [ -n "$v" ]; then
    echo "Terraform $v"
  elif v=$(tofu_version "$1") && [ -n "$v" ]; then
    echo "OpenTofu $v"
  fi
}
