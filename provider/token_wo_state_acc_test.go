package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// The proof that a token_wo token's secret never touches Terraform's files: every secret
// tokenhub_token_secret makes during a test (at validate, plan and apply alike) is looked for
// in every file of the test's working directory after each step (state, its backups, the
// saved plan, inside the plan's zip too) and in each plan as `terraform show -json` gives it.
// A consumer (terraform_data with a local-exec provisioner, curl) gets the same ephemeral
// value in its environment and proves it authenticates; the rotated secret replaces it on
// schedule.

// skipBelow111: write-only arguments arrived in Terraform 1.11 (and OpenTofu 1.11).
var skipBelow111 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// secretLog records the secrets tokenhub_token_secret makes (provider.secretMade).
type secretLog struct {
	mu   sync.Mutex
	made []string
}

func (l *secretLog) add(s string) { l.mu.Lock(); l.made = append(l.made, s); l.mu.Unlock() }

func (l *secretLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.made...)
}

// byHint is the secret made with this hint (the token's token_hint).
func (l *secretLog) byHint(hint string) (string, error) {
	var found []string
	for _, s := range l.all() {
		if s[:8] == hint {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%d of the %d secrets made have the hint %q", len(found), len(l.all()), hint[:min(8, len(hint))])
	}
	return found[0], nil
}

// woFactories serves the provider with the server's clock and admin token, recording every
// secret tokenhub_token_secret makes in log.
func woFactories(srv *mockserver.TestServer, log *secretLog) map[string]func() (tfprotov6.ProviderServer, error) {
	env := tokenEnv(srv.AdminToken)
	return map[string]func() (tfprotov6.ProviderServer, error){
		"tokenhub": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: srv.Clock.Now, getenv: env,
				secretMade: log.add})()
		},
	}
}

// leakForms are the spellings of a secret to look for: as is, its part after the hint (what
// survives a masked prefix), and its base64 and hex encodings.
func leakForms(secret string) []string {
	return []string{secret, secret[8:], base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)), hex.EncodeToString([]byte(secret))}
}

// findSecrets reports each place in data (named where) that holds one of secrets; data that
// is a zip archive (a saved plan) is searched entry by entry too.
func findSecrets(where string, data []byte, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		for _, form := range leakForms(s) {
			if bytes.Contains(data, []byte(form)) {
				found = append(found, fmt.Sprintf("%s holds the secret with hint %s", where, s[:8]))
				break
			}
		}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return append(found, fmt.Sprintf("%s: a zip that does not open: %v", where, err))
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				found = append(found, fmt.Sprintf("%s!%s: %v", where, f.Name, err))
				continue
			}
			entry, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				found = append(found, fmt.Sprintf("%s!%s: %v", where, f.Name, err))
				continue
			}
			found = append(found, findSecrets(where+"!"+f.Name, entry, secrets)...)
		}
	}
	return found
}

// scanDir searches every regular file under dir (the working directory: configuration,
// state, backups, the saved plan, .terraform) and returns what it found and the file names.
func scanDir(dir string, secrets []string) (found, files []string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, rel)
		found = append(found, findSecrets(rel, data, secrets)...)
		return nil
	})
	return found, files, err
}

// woWorkdir reads the working directory from the workdir output (path.cwd).
func woWorkdir(s *terraform.State) (string, error) {
	out, ok := s.RootModule().Outputs["workdir"]
	if !ok {
		return "", errors.New("no workdir output in state")
	}
	dir, _ := out.Value.(string)
	return dir, nil
}

// noSecretInFiles fails when any secret made so far is in the working directory. It also
// requires the files it must have read: the state, and after the first step its backup.
func noSecretInFiles(log *secretLog, workdir *string, wantFiles ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if dir, err := woWorkdir(s); err == nil {
			*workdir = dir
		}
		return scanWorkdir(*workdir, log, wantFiles...)
	}
}

func scanWorkdir(dir string, log *secretLog, wantFiles ...string) error {
	if dir == "" {
		return errors.New("the working directory is not known yet")
	}
	secrets := log.all()
	if len(secrets) == 0 {
		return errors.New("tokenhub_token_secret made no secret: nothing to look for")
	}
	found, files, err := scanDir(dir, secrets)
	if err != nil {
		return err
	}
	for _, w := range wantFiles {
		if !slicesContains(files, w) {
			return fmt.Errorf("%s is not in the working directory (%v): the scan would miss it", w, files)
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("secrets in Terraform's files:\n%s", strings.Join(found, "\n"))
	}
	return nil
}

func slicesContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// noSecretInPlan is a plan check: no secret made so far in the plan as `terraform show
// -json` renders it, nor in the working directory, whose saved plan (tfplan) is this one.
type noSecretInPlan struct {
	log     *secretLog
	workdir *string
}

func (c noSecretInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	rendered, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	if found := findSecrets("the plan (terraform show -json)", rendered, c.log.all()); len(found) > 0 {
		resp.Error = fmt.Errorf("%s", strings.Join(found, "\n"))
		return
	}
	if out, ok := req.Plan.PlannedValues.Outputs["workdir"]; ok {
		if dir, ok := out.Value.(string); ok {
			*c.workdir = dir
		}
	}
	resp.Error = scanWorkdir(*c.workdir, c.log, "tfplan")
}

// consumerResult is what the consumer's curl of GET /api/v1/me saw: the status and the
// calling token's id.
func consumerResult(dir string, version int) (int, string, error) {
	base := filepath.Join(dir, fmt.Sprintf("consumer-%d", version))
	status, err := os.ReadFile(base + ".status")
	if err != nil {
		return 0, "", fmt.Errorf("the consumer of version %d did not run: %w", version, err)
	}
	var code int
	if _, err := fmt.Sscan(string(status), &code); err != nil {
		return 0, "", fmt.Errorf("consumer status %q: %w", status, err)
	}
	body, _ := os.ReadFile(base + ".body")
	var me struct {
		TokenID string `json:"token_id"`
	}
	_ = json.Unmarshal(body, &me)
	return code, me.TokenID, nil
}

// wantStatus fails unless GET /api/v1/me with secret answers want; what says when.
func wantStatus(srv *mockserver.TestServer, secret string, want int, what string) error {
	status, err := meStatus(srv, secret)
	if err != nil {
		return err
	}
	if status != want {
		return fmt.Errorf("%s: the secret answers %d, want %d", what, status, want)
	}
	return nil
}

// meStatus is GET /api/v1/me's status with secret, straight from the test.
func meStatus(srv *mockserver.TestServer, secret string) (int, error) {
	req, err := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// woChainConfig is the whole chain: a secret made by tokenhub_token_secret, given to the token
// (token_wo) and to a consumer (a provisioner's environment) in one apply, the consumer
// replaced with each version. A token with a server-made secret sits next to it, as the
// scan's positive control: its secret must be found in the state.
func woChainConfig(srv *mockserver.TestServer, out string, version int) string {
	consumer := strings.NewReplacer("OUT_DIR", out, "SERVER_URL", srv.URL).Replace(`
resource "terraform_data" "consumer" {
  triggers_replace = tokenhub_api_token.ci.token_wo_version
  provisioner "local-exec" {
    # The secret reaches curl on stdin (a header file), never on a command line.
    command = "printf 'Authorization: Bearer %s\\n' \"$TOKENHUB_SECRET\" | curl -sS -H @- -o \"$OUT.body\" -w '%%{http_code}' \"$URL/api/v1/me\" > \"$OUT.status\""
    environment = {
      TOKENHUB_SECRET = ephemeral.tokenhub_token_secret.ci.value
      OUT             = "OUT_DIR/consumer-${tokenhub_api_token.ci.token_wo_version}"
      URL             = "SERVER_URL"
    }
  }
}
`)
	return providerBlock(srv) + fmt.Sprintf(`
ephemeral "tokenhub_token_secret" "ci" {}

resource "tokenhub_api_token" "ci" {
  name             = "ci-wo"
  scopes           = ["token.read"]
  token_wo         = ephemeral.tokenhub_token_secret.ci.value
  token_wo_version = %d
  rotation_overlap = "1h"
}

resource "tokenhub_api_token" "control" {
  name   = "server-made"
  scopes = ["token.read"]
}

output "workdir" {
  value = path.cwd
}
`, version) + consumer
}

const woAddr = "tokenhub_api_token.ci"

func TestAccTokenWO_secretNeverInStatePlanOrBackups(t *testing.T) {
	srv := testServer(t)
	log := &secretLog{}
	out := t.TempDir()
	var workdir, id string
	var v1, v2 string // the secrets the token took at version 1 and 2
	noPlanLeak := noSecretInPlan{log: log, workdir: &workdir}

	// The scan finds a secret that is there: the server-made token's, in the state.
	controlFound := func(s *terraform.State) error {
		secret := s.RootModule().Resources["tokenhub_api_token.control"].Primary.Attributes["token"]
		data, err := os.ReadFile(filepath.Join(workdir, "terraform.tfstate"))
		if err != nil {
			return err
		}
		if len(secret) != 42 || len(findSecrets("terraform.tfstate", data, []string{secret})) == 0 {
			return errors.New("the scan does not find the server-made secret in the state: it would miss a leak")
		}
		return nil
	}
	// The consumer of version got the secret the token took, which authenticates as the token.
	consumerGot := func(version int, secret *string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			rs := s.RootModule().Resources[woAddr].Primary
			id = rs.ID
			code, tokenID, err := consumerResult(out, version)
			if err != nil {
				return err
			}
			if code != http.StatusOK || tokenID != id {
				return fmt.Errorf("the consumer's secret got %d as token %q, want 200 as %s", code, tokenID, id)
			}
			if *secret, err = log.byHint(rs.Attributes["token_hint"]); err != nil {
				return err
			}
			return wantStatus(srv, *secret, http.StatusOK, "the token's secret")
		}
	}
	woState := func(version int64) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(woAddr, tfjsonpath.New("token"), knownvalue.Null()),
			statecheck.ExpectKnownValue(woAddr, tfjsonpath.New("token_wo"), knownvalue.Null()),
			statecheck.ExpectKnownValue(woAddr, tfjsonpath.New("token_wo_version"), knownvalue.Int64Exact(version)),
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: woFactories(srv, log),
		TerraformVersionChecks:   skipBelow111,
		CheckDestroy: func(s *terraform.State) error {
			if _, ok := srv.Lookup(id); ok {
				return fmt.Errorf("token %s still exists", id)
			}
			// The backup now holds the last state before the destroy.
			return scanWorkdir(workdir, log, "terraform.tfstate", "terraform.tfstate.backup")
		},
		Steps: []resource.TestStep{
			{
				Config: woChainConfig(srv, out, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						noPlanLeak,
						plancheck.ExpectResourceAction(woAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(woAddr, tfjsonpath.New("token"), knownvalue.Null()),
						plancheck.ExpectKnownValue(woAddr, tfjsonpath.New("previous_secret_expires_at"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{noPlanLeak, plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noSecretInFiles(log, &workdir, "terraform.tfstate"),
					controlFound,
					consumerGot(1, &v1),
				),
				ConfigStateChecks: woState(1),
			},
			{
				// Plans and applies open the ephemeral secret again, and get a new value each
				// time: the token takes none of them while the version stays.
				Config: woChainConfig(srv, out, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{noPlanLeak, plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noSecretInFiles(log, &workdir, "terraform.tfstate", "terraform.tfstate.backup"),
					func(*terraform.State) error {
						if n := len(log.all()); n < 3 {
							return fmt.Errorf("tokenhub_token_secret was opened %d times in two runs", n)
						}
						return wantStatus(srv, v1, http.StatusOK, "version 1's, after an unchanged run")
					},
				),
			},
			{
				// A new version rotates in place to the new secret; the old one works until
				// previous_secret_expires_at (rotation_overlap = 1h), then not.
				Config: woChainConfig(srv, out, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						noPlanLeak,
						plancheck.ExpectResourceAction(woAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("terraform_data.consumer", plancheck.ResourceActionReplace),
						plancheck.ExpectKnownValue(woAddr, tfjsonpath.New("token"), knownvalue.Null()),
						plancheck.ExpectUnknownValue(woAddr, tfjsonpath.New("token_hint")),
						plancheck.ExpectUnknownValue(woAddr, tfjsonpath.New("previous_secret_expires_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{noPlanLeak, plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noSecretInFiles(log, &workdir, "terraform.tfstate", "terraform.tfstate.backup"),
					consumerGot(2, &v2),
					func(s *terraform.State) error {
						if v1 == v2 {
							return errors.New("the token kept its secret across a version bump")
						}
						until, err := time.Parse(time.RFC3339, s.RootModule().Resources[woAddr].Primary.Attributes["previous_secret_expires_at"])
						if err != nil {
							return err
						}
						// The rotation's time (the token's updated_at) plus rotation_overlap.
						if info, _ := srv.Lookup(id); !until.Equal(info.UpdatedAt.Add(time.Hour)) {
							return fmt.Errorf("previous_secret_expires_at %s, want the rotation's time %s + 1h", until, info.UpdatedAt)
						}
						srv.Clock.Set(until.Add(-time.Nanosecond))
						if err := wantStatus(srv, v1, http.StatusOK, "the old one, before previous_secret_expires_at"); err != nil {
							return err
						}
						srv.Clock.Set(until)
						if err := wantStatus(srv, v1, http.StatusUnauthorized, "the old one, at previous_secret_expires_at"); err != nil {
							return err
						}
						return wantStatus(srv, v2, http.StatusOK, "the new one, at previous_secret_expires_at")
					},
				),
				ConfigStateChecks: woState(2),
			},
			{
				// Once the overlap ended a refresh shows null: no plan, no noise.
				Config: woChainConfig(srv, out, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{noPlanLeak, plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(woState(2),
					statecheck.ExpectKnownValue(woAddr, tfjsonpath.New("previous_secret_expires_at"), knownvalue.Null())),
				Check: noSecretInFiles(log, &workdir, "terraform.tfstate", "terraform.tfstate.backup"),
			},
			{
				// Import: Terraform does not hold the secret, and token stays null.
				ResourceName:            woAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token_wo_version", "rotation_overlap"},
				Config:                  woChainConfig(srv, out, 2),
			},
		},
	})
}
