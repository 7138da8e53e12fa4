package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// docClaims are what the pages say a plan shows, sentence by sentence (whitespace collapsed):
// each must stay in its page, and the step of TestAccAPIToken_docsSayWhatThePlanShows named
// beside it proves it on a real plan.
var docClaims = []struct{ page, sentence, step string }{
	{"../docs/resources/api_token.md", "shown as known after apply in that plan", "create with lifetime"},
	{"../docs/guides/rotating-tokens.md", "The plan of that apply shows `expires_at` as known after apply", "create with lifetime"},
	{"../docs/guides/rotating-tokens.md", "Terraform shows it as an update in place (`~`), with `token` and `token_hint` known after apply", "rotation"},
	{"../docs/resources/api_token.md", "the plan shows `token` and `expires_at` changing", "rotation"},
	{"../docs/guides/rotating-tokens.md", "Changing `rotation_overlap` alone does not rotate", "overlap only"},
	{"../docs/resources/api_token.md", "A plan shows `updated_at` as known after apply only when the apply changes the token on the server", "overlap only"},
	{"../docs/resources/api_token.md", "`last_used_at` always keeps its value in a plan", "overlap only"},
}

// docMisclaims are statements the pages once made that real plans contradict.
var docMisclaims = []string{
	"the plan shows the exact value",
	"never rotates it by itself",
	"then change a value and apply again",
	"computed and shown in the plan",
}

// What the docs say a plan shows is what a real plan shows.
func TestAccAPIToken_docsSayWhatThePlanShows(t *testing.T) {
	pages := map[string]string{}
	for _, c := range docClaims {
		if _, ok := pages[c.page]; !ok {
			b, err := os.ReadFile(c.page)
			if err != nil {
				t.Fatal(err)
			}
			pages[c.page] = regexp.MustCompile(`\s+`).ReplaceAllString(string(b), " ")
		}
		if !strings.Contains(pages[c.page], c.sentence) {
			t.Errorf("%s no longer says %q (proved by the step %q): update the page or the step", c.page, c.sentence, c.step)
		}
	}
	for _, f := range docFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := regexp.MustCompile(`\s+`).ReplaceAllString(string(b), " ")
		for _, m := range docMisclaims {
			if strings.Contains(text, m) {
				t.Errorf("%s says %q, which real plans contradict", f, m)
			}
		}
	}
	srv, f := accServer(t)
	cfg := func(trigger, overlap string) string {
		return tokenConfig(srv, `  name     = "documented"
  scopes   = ["token.read"]
  lifetime = "720h"
  rotation_triggers = { release = "`+trigger+`" }
  rotation_overlap  = "`+overlap+`"`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{ // create with lifetime
				Config: cfg("1", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
				}},
			},
			{ // overlap only
				Config: cfg("1", "2h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_hint"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("last_used_at"), knownvalue.Null()),
				}},
			},
			{ // rotation
				Config: cfg("2", "2h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token")),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token_hint")),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
				}},
			},
		},
	})
}
