package provider

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// Every opening makes a new, well-formed secret, token_hint is its start, and a consumer
// gets the value (a provisioner's environment) without it being stored.
func TestAccTokenSecret_freshValueEveryOpen(t *testing.T) {
	srv := testServer(t)
	log := &secretLog{}
	out := t.TempDir()
	var workdir string
	config := providerBlock(srv) + strings.ReplaceAll(`
ephemeral "tokenhub_token_secret" "s" {}

resource "terraform_data" "consumer" {
  provisioner "local-exec" {
    command = "case \"$SECRET\" in \"$HINT\"*) echo ok ;; *) echo mismatch ;; esac > OUT_DIR/hint; printf %s \"$SECRET\" | wc -c > OUT_DIR/length"
    environment = {
      SECRET = ephemeral.tokenhub_token_secret.s.value
      HINT   = ephemeral.tokenhub_token_secret.s.token_hint
    }
  }
}

output "workdir" {
  value = path.cwd
}
`, "OUT_DIR", out)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: woFactories(srv, log),
		TerraformVersionChecks:   skipBelow111,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				noSecretInFiles(log, &workdir, "terraform.tfstate"),
				func(*terraform.State) error {
					made := log.all()
					seen := map[string]bool{}
					for _, s := range made {
						if err := validate.Secret(s); err != nil {
							return fmt.Errorf("a made secret is malformed: %w", err)
						}
						if seen[s] {
							return errors.New("a secret was made twice")
						}
						seen[s] = true
					}
					if len(made) < 2 { // plan and apply each open it
						return fmt.Errorf("opened %d times", len(made))
					}
					for file, want := range map[string]string{"hint": "ok", "length": "42"} {
						got, err := os.ReadFile(filepath.Join(out, file))
						if err != nil {
							return err
						}
						if strings.TrimSpace(string(got)) != want {
							return fmt.Errorf("the consumer's %s is %q, want %q", file, got, want)
						}
					}
					return nil
				},
			),
		}},
	})
}
