//go:build unix

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// These tests run the provider as Terraform runs it in production: a plugin
// process (built from this module) that the CLI starts through dev_overrides
// and stops at the end of each run. The in-process acceptance tests cannot show
// what happens when Terraform stops or loses that process.

// pluginRun is a built provider and a working directory for the CLI.
type pluginRun struct {
	cli, bin, dir, logPath string
	env                    []string
}

func newPluginRun(t *testing.T, srv *mockserver.TestServer, config string) *pluginRun {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	if v := cliVersion(t, cli); v[0] < 1 || (v[0] == 1 && v[1] < 10) {
		t.Skipf("ephemeral resources need Terraform 1.10 or OpenTofu 1.11; %s is %d.%d", cli, v[0], v[1])
	}
	root := t.TempDir()
	r := &pluginRun{cli: cli, bin: filepath.Join(root, "bin"), dir: filepath.Join(root, "work")}
	for _, d := range []string{r.bin, r.dir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", filepath.Join(r.bin, "terraform-provider-tokenhub"), "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(root, "terraformrc")
	write(t, rc, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/tokenhub/tokenhub" = %q
    "registry.opentofu.org/tokenhub/tokenhub" = %q
  }
  direct {}
}
`, r.bin, r.bin))
	write(t, filepath.Join(r.dir, "main.tf"), `terraform {
  required_providers {
    tokenhub = { source = "tokenhub/tokenhub" }
  }
}
`+config)
	// The CLI's log (with the plugin's stderr) goes where terraform-plugin-testing
	// would put it (scripts/leakscan.sh scans TF_LOG_PATH_MASK files).
	level := "DEBUG"
	r.logPath = filepath.Join(root, "cli.log")
	if mask := os.Getenv("TF_LOG_PATH_MASK"); mask != "" {
		r.logPath, level = fmt.Sprintf(mask, t.Name()), "TRACE"
	}
	r.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_LOG="+level, "TF_LOG_PATH="+r.logPath,
		envEndpoint+"="+srv.URL, envToken+"="+srv.AdminToken)
	return r
}

// apply runs `apply -auto-approve` and returns its error and output.
func (r *pluginRun) apply(t *testing.T) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.cli, "-chdir="+r.dir, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Env = r.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (r *pluginRun) log(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(r.logPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// killPlugin SIGKILLs every running process of this test's provider binary
// (its path is unique to the test) and returns how many there were.
func (r *pluginRun) killPlugin(t *testing.T) int {
	t.Helper()
	exe := filepath.Join(r.bin, "terraform-provider-tokenhub")
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	n := 0
	for _, p := range procs {
		if target, err := os.Readlink(p); err == nil && target == exe {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				n++
			}
		}
	}
	return n
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// cliVersion is the CLI's major and minor version (Terraform and OpenTofu both
// answer `version -json` with terraform_version).
func cliVersion(t *testing.T, cli string) [2]int {
	t.Helper()
	cmd := exec.Command(cli, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("%s version %q: %v", cli, v.Version, err)
	}
	return [2]int{major, minor}
}

// The failing configuration against the real plugin: when the CLI ends
// the failed run it stops the plugin, which revokes the token the apply used.
func TestAccEphemeralAPIToken_failedRunRealPlugin(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	idFile := filepath.Join(t.TempDir(), "id")
	r := newPluginRun(t, srv, failRunConfig(srv.URL, idFile, "exit 1"))
	out, err := r.apply(t)
	if err == nil || !strings.Contains(out, "local-exec provisioner error") {
		t.Fatalf("apply: want the provisioner's failure, got %v:\n%s", err, out)
	}
	id := runIDFrom(t, idFile)
	if act := activeNamed(t, srv, "eph-failrun"); len(act) != 0 {
		t.Errorf("after the failed run: %d active eph-failrun tokens, want none: %+v", len(act), act)
	}
	if _, ok := srv.Lookup(id); ok {
		t.Errorf("token %s used by the failed apply is still on the server", id)
	}
	if log := r.log(t); strings.Contains(log, "revoked 1 ephemeral API token(s) Terraform did not close") {
		t.Logf("the CLI left token %s open; the plugin revoked it when stopped", id)
	} else {
		t.Logf("no revocation at plugin stop in the CLI log: the CLI closed token %s itself, or nothing revoked it", id)
	}
}

// A plugin killed mid-run (SIGKILL, as a crashed runner would) revokes
// nothing; its token stops working within the default ttl.
func TestAccEphemeralAPIToken_killedRealPlugin(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	dir := t.TempDir()
	started, release := fifo(t, dir, "started"), fifo(t, dir, "release")
	script := fmt.Sprintf(`printf '%%s\n' "$ID" > %q; read -r x < %q; exit 1`, started.Name(), release.Name())
	r := newPluginRun(t, srv, failRunConfig(srv.URL, filepath.Join(dir, "id"), script))

	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := r.apply(t)
		done <- result{out, err}
	}()
	id, ok := readLine(started, 2*time.Minute)
	killed := 0
	if ok {
		killed = r.killPlugin(t)
	}
	_, _ = release.WriteString("go\n")
	res := <-done
	if !ok || killed == 0 {
		t.Fatalf("the provisioner did not start (%v) or no plugin process was running (%d killed):\n%s", ok, killed, res.out)
	}
	if res.err == nil {
		t.Fatalf("apply succeeded although its provider was killed:\n%s", res.out)
	}

	// The plugin's clock is the real one: bring the server's up to it first.
	srv.Clock.Set(time.Now())
	info, found := srv.Lookup(id)
	if !found || info.Status != "active" {
		t.Fatalf("the killed run's token %s: found %v, status %q; want it left active", id, found, info.Status)
	}
	if limit := srv.Clock.Now().Add(defaultEphemeralTTL); info.ExpiresAt == nil || info.ExpiresAt.After(limit) {
		t.Fatalf("the killed run's token expires at %v, later than %v", info.ExpiresAt, limit)
	}
	srv.Clock.Advance(defaultEphemeralTTL)
	if act := activeNamed(t, srv, "eph-failrun"); len(act) != 0 {
		t.Errorf("%v after the kill: %d active eph-failrun tokens, want none", defaultEphemeralTTL, len(act))
	}
}
