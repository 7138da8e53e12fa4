package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeCLI writes an executable that answers `version` with first as its first line and then
// keeps writing (1 MiB, far past a pipe's buffer), as a real CLI's later lines may still be on
// their way when a reader has what it wants. A version check that stops reading early (`head
// -1`, `grep -m1`, `grep -q`) kills it with SIGPIPE, which under `set -o pipefail` fails the
// script; with this much output that is certain, not 1 run in 5.
func fakeCLI(t *testing.T, dir, name, first string) string {
	t.Helper()
	script := "#!/usr/bin/env bash\n" +
		"[ \"$1\" = version ] || exit 3\n" +
		"echo '" + first + "'\n" +
		"line=$(printf 'x%.0s' {1..1023})\n" +
		"for _ in {1..1024}; do echo \"$line\"; done\n"
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// copyScript puts scripts/<name> under root/scripts, so that its bin/ is root/bin.
func copyScript(t *testing.T, root, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "scripts", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, src, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// The version checks of scripts/cli-version.sh, as the scripts use them: assigned under `set
// -euo pipefail`, where a SIGPIPE'd CLI is exit 141. CI failed 1 run in 5 on a cold machine this
// way (make generate, after building Terraform). With `| head -1` in the function, this fails
// every time.
func TestScripts_VersionFunctionsUnderPipefail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ fn, cli, first, want string }{
		{"terraform_version", "terraform", "Terraform v1.16.3", "1.16.3"},
		{"tofu_version", "tofu", "OpenTofu v1.12.6", "1.12.6"},
		{"cli_version", "terraform", "Terraform v1.16.3", "Terraform 1.16.3"}, // token-wo-e2e.sh's
		{"cli_version", "tofu", "OpenTofu v1.12.6", "OpenTofu 1.12.6"},
	} {
		fake := fakeCLI(t, dir, tc.cli, tc.first)
		script := `set -euo pipefail; . scripts/cli-version.sh; v=$(` + tc.fn + ` "$1"); at_least 11 "${v##* }"; echo "$v"`
		out, err := exec.Command("bash", "-c", script, "bash", fake).CombinedOutput()
		if err != nil {
			t.Fatalf("%s under pipefail: %v (exit 141 is SIGPIPE)\n%s", tc.fn, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Fatalf("%s printed %q, want %q", tc.fn, got, tc.want)
		}
	}
}

// Each script that finds a CLI, end to end: a CLI that is still writing when the check has its
// first line must not fail it, whether the CLI is on PATH or was built into bin/ earlier.
func TestScripts_VersionCheckReadsTheWholeOutput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, script, cli, first string
		args                     []string
		inBin                    string // the fake goes into root/bin under this name, not on PATH
	}{
		{name: "terraform on PATH", script: "terraform-path.sh", cli: "terraform", first: "Terraform v1.16.3"},
		{name: "exact terraform on PATH", script: "terraform-path.sh", cli: "terraform", first: "Terraform v1.16.3", args: []string{"1.16.3"}},
		{name: "terraform built into bin", script: "terraform-path.sh", first: "Terraform v1.16.3", args: []string{"1.16.3"}, inBin: "terraform-1.16.3"},
		{name: "tofu on PATH", script: "tofu-path.sh", cli: "tofu", first: "OpenTofu v1.12.6"},
		{name: "tofu built into bin", script: "tofu-path.sh", first: "OpenTofu v1.12.6", inBin: "tofu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			script := copyScript(t, root, tc.script)
			copyScript(t, root, "cli-version.sh")
			pathDir := filepath.Join(root, "path")
			if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(pathDir, 0o755); err != nil {
				t.Fatal(err)
			}
			var want string
			if tc.inBin != "" {
				want = fakeCLI(t, filepath.Join(root, "bin"), tc.inBin, tc.first)
			} else {
				want = fakeCLI(t, pathDir, tc.cli, tc.first)
			}
			// No Go on PATH: a failed check falls through to a build, which then fails at once.
			cmd := exec.Command("bash", append([]string{script}, tc.args...)...)
			cmd.Env = append(os.Environ(), "PATH="+pathDir+":/usr/bin:/bin", "TOFU_VERSION=v1.12.6")
			out, err := cmd.Output()
			if err != nil {
				stderr := ""
				if ee, ok := err.(*exec.ExitError); ok { //nolint:errorlint // Output returns it unwrapped
					stderr = string(ee.Stderr)
				}
				t.Fatalf("%s %v: %v (exit 141 is SIGPIPE)\n%s", tc.script, tc.args, err, stderr)
			}
			if got := strings.TrimSpace(string(out)); got != want {
				t.Fatalf("%s %v printed %q, want %q", tc.script, tc.args, got, want)
			}
		})
	}
}

// earlyReader is a pipe into a reader that may stop before its writer is done: `| head`,
// `| grep -q`/`-m`, a `sed` that quits, an `awk` that exits. Under `set -o pipefail` the writer's
// SIGPIPE fails the script (exit 141) whenever it is still writing, which is a matter of timing:
// CI failed 1 run in 5 that way. Read a file instead (`sed -n '/re/{s//\1/p;q;}' file`), or read
// the whole output and filter it.
var earlyReader = regexp.MustCompile(`\|\s*(head\b|grep\b[^|]*\s-[a-zA-Z]*[qm]|sed\b[^|]*[;{]\s*q\b|awk\b[^|]*\bexit\b)`)

// No script pipes a command into a reader that may stop early (earlyReader). The version checks
// above prove the fix where it bit; this keeps the pattern out of every script, new ones too.
func TestScripts_NoPipeIntoAnEarlyReader(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("scripts/*.sh")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, ".ci/run", "GNUmakefile")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			code := strings.TrimSpace(line)
			if strings.HasPrefix(code, "#") {
				continue
			}
			if c, _, ok := strings.Cut(code, " # "); ok {
				code = c // a trailing comment may name the pattern it avoids
			}
			if m := earlyReader.FindString(code); m != "" {
				t.Errorf("%s:%d pipes into %q, which may stop reading early: under pipefail the writer's "+
					"SIGPIPE fails the script (exit 141). Read a file, or the whole output.\n\t%s", f, i+1, m, line)
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d scripts found: is the test running from the repository root?", len(files))
	}
}
