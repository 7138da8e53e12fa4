package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every HCL snippet in README.md and docs/, and every example configuration a user is told to
// copy, must work when copied alone: each is validated by `terraform validate` in a folder of
// its own, with the provider built from this repository (dev_overrides, so nothing is
// downloaded). A snippet without required_providers fails here, because Terraform then looks
// for hashicorp/tokenhub; so does one that uses another provider.
func TestDocSnippetsValidate(t *testing.T) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		if os.Getenv("TOKENHUB_REQUIRE_ACC") == "1" {
			t.Fatal("TF_ACC_TERRAFORM_PATH is not set, so the documentation snippets cannot be validated")
		}
		t.Skip("set TF_ACC_TERRAFORM_PATH (as make test does) to validate the documentation snippets")
	}
	snippets := docSnippets(t)
	if len(snippets) < 10 {
		t.Fatalf("found only %d snippets: is the extraction broken?", len(snippets))
	}
	cliConfig := devOverrideConfig(t)
	cliVersion := cliVersionOf(t, tf)
	for _, s := range snippets {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if other, marked := needsOtherProvider(s.text()); marked {
				if len(other) == 0 {
					t.Fatalf("%s is marked %q but uses no other provider's resources: validate it", s.name, otherProviderMarker)
				}
				t.Skipf("needs another provider (%s), which is not downloaded here", strings.Join(other, ", "))
			}
			if need, ok := requiredAtLeast(s.text()); ok && versionLess(cliVersion, need) {
				t.Skipf("the snippet declares required_version >= %s; this CLI is %s", need, cliVersion)
			}
			dir := t.TempDir()
			args := []string{"-chdir=" + dir, "validate", "-no-color"}
			if _, ok := s.files[queryFile]; ok {
				if versionLess(cliVersion, "1.14") || strings.Contains(tf, "tofu") {
					t.Skipf("a terraform query file (list blocks) needs Terraform >= 1.14; this CLI is %s", cliVersion)
				}
				args = append(args, "-query")
			}
			for name, body := range s.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(tf, args...)
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("terraform validate failed for %s:\n%s\n--- the snippet:\n%s", s.name, out, s.text())
			}
		})
	}
}

// otherProviderMarker marks a snippet that shows another provider beside tokenhub (a secret
// store's write-only argument, say): it cannot be validated here, where only the tokenhub
// provider is installed, so it is skipped, and must use another provider's resource.
const otherProviderMarker = "# Needs another provider: not validated with the tokenhub provider alone."

// blockType finds the type of each resource, data source and ephemeral resource block.
var blockType = regexp.MustCompile(`(?m)^(?:resource|data|ephemeral)\s+"([a-z0-9_]+)"`)

// needsOtherProvider reports whether text carries the marker, and the block types it uses
// that neither tokenhub nor Terraform itself provides.
func needsOtherProvider(text string) (other []string, marked bool) {
	if !strings.Contains(text, otherProviderMarker) {
		return nil, false
	}
	for _, m := range blockType.FindAllStringSubmatch(text, -1) {
		if !strings.HasPrefix(m[1], "tokenhub_") && !strings.HasPrefix(m[1], "terraform_") {
			other = append(other, m[1])
		}
	}
	return other, true
}

// listBlock finds a `list` block: the snippet is a terraform query file (.tfquery.hcl).
var listBlock = regexp.MustCompile(`(?m)^list\s+"`)

const queryFile = "query.tfquery.hcl"

// queryProviderConfig is the configuration a query file sits beside, as the docs say.
const queryProviderConfig = `terraform {
  required_providers {
    tokenhub = {
      source = "tokenhub/tokenhub"
    }
  }
}

provider "tokenhub" {}
`

var requiredVersion = regexp.MustCompile(`required_version\s*=\s*">=\s*([0-9]+(?:\.[0-9]+)*)"`)

// requiredAtLeast returns the version a snippet's `required_version = ">= X"` asks for.
func requiredAtLeast(text string) (string, bool) {
	m := requiredVersion.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// cliVersionOf asks a Terraform or OpenTofu CLI for its version ("1.11.4").
func cliVersionOf(t *testing.T, cli string) string {
	t.Helper()
	out, err := exec.Command(cli, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		t.Fatalf("%s version -json printed no version: %s", cli, out)
	}
	return strings.TrimSuffix(v.Version, "-dev")
}

// versionLess compares dotted versions numerically.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

type snippet struct {
	name  string
	files map[string]string
}

func (s snippet) text() string {
	var b strings.Builder
	for _, body := range s.files {
		b.WriteString(body)
	}
	return b.String()
}

var hclFence = regexp.MustCompile("(?ms)^```(?:hcl|terraform|tf)[ \t]*\n(.*?)^```")

// docSnippets returns each fenced HCL block of README.md and docs/**/*.md, and each
// configuration folder a user is told to copy whole (examples/demo, examples/scratch).
func docSnippets(t *testing.T) []snippet {
	t.Helper()
	files := []string{"README.md"}
	err := filepath.WalkDir("docs", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []snippet
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range hclFence.FindAllStringSubmatch(string(b), -1) {
			name := strings.NewReplacer("/", "_", ".md", "").Replace(f)
			files := map[string]string{"main.tf": m[1]}
			if listBlock.MatchString(m[1]) {
				// A .tfquery.hcl file: it sits beside a configuration that declares the provider.
				files = map[string]string{queryFile: m[1], "main.tf": queryProviderConfig}
			}
			out = append(out, snippet{name: fmt.Sprintf("%s#%d", name, i+1), files: files})
		}
	}
	for _, dir := range []string{"examples/demo", "examples/scratch"} {
		tfs, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		s := snippet{name: strings.ReplaceAll(dir, "/", "_"), files: map[string]string{}}
		for _, p := range tfs {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			s.files[filepath.Base(p)] = string(b)
		}
		if len(s.files) == 0 {
			t.Fatalf("no .tf files in %s", dir)
		}
		out = append(out, s)
	}
	return out
}

// devOverrideConfig builds the provider and writes a CLI configuration that points
// Terraform (and OpenTofu) at it.
func devOverrideConfig(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-tokenhub"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cfg := filepath.Join(bin, "terraformrc")
	body := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/tokenhub/tokenhub" = %q
    "registry.opentofu.org/tokenhub/tokenhub" = %q
  }
  direct {}
}
`, bin, bin)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The marker skips only snippets that do use another provider.
func TestNeedsOtherProvider(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"resource \"tokenhub_api_token\" \"x\" {}\n":                                              "unmarked",
		otherProviderMarker + "\nresource \"vault_kv_secret_v2\" \"x\" {}\n":                      "vault_kv_secret_v2",
		otherProviderMarker + "\nephemeral \"tokenhub_token_secret\" \"s\" {}\n":                  "",
		otherProviderMarker + "\nresource \"terraform_data\" \"x\" {}\ndata \"aws_x\" \"y\" {}\n": "aws_x",
	} {
		other, marked := needsOtherProvider(text)
		got := strings.Join(other, ",")
		if !marked {
			got = "unmarked"
		}
		if got != want {
			t.Errorf("needsOtherProvider(%q) = %q, want %q", text, got, want)
		}
	}
}
