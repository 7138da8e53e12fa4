//go:build unix

package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// failRunConfig is a run that fails after opening a token: an ephemeral token used by a
// local-exec provisioner (built into Terraform: no other provider), which
// writes the token's id to idFile and then runs script: `exit 1` fails the apply
// after the token was opened.
func failRunConfig(endpoint, idFile, script string) string {
	return fmt.Sprintf(`
provider "tokenhub" {
  endpoint    = %q
  max_retries = 1
}

ephemeral "tokenhub_api_token" "run" {
  name   = "eph-failrun"
  scopes = ["token.read"]
}

resource "terraform_data" "boom" {
  input = "x"
  provisioner "local-exec" {
    command     = <<-EOT
      test -n "$T" && printf '%%s\n' "$ID" > "$F"
      %s
    EOT
    environment = {
      T  = ephemeral.tokenhub_api_token.run.token
      ID = ephemeral.tokenhub_api_token.run.id
      F  = %q
    }
  }
}
`, endpoint, script, idFile)
}

// runIDFrom reads the id of the token the provisioner saw (the apply-phase one).
func runIDFrom(t *testing.T, idFile string) string {
	t.Helper()
	raw, err := os.ReadFile(idFile)
	if err != nil {
		t.Fatalf("the provisioner did not record the ephemeral token's id: %v", err)
	}
	id := strings.TrimSpace(string(raw))
	if !uuidRE.MatchString(id) {
		t.Fatalf("recorded id %q is not a token id", id)
	}
	return id
}

var skipBelow110 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}

// failRun applies failRunConfig with a provisioner that exits 1 and returns the
// id of the token the apply used. Nothing stops the in-process provider.
func failRun(t *testing.T, srv *mockserver.TestServer, reg *ephemeralRegistry) string {
	t.Helper()
	idFile := filepath.Join(t.TempDir(), "id")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow110,
		ProtoV6ProviderFactories: registryFactories(srv, reg),
		Steps: []resource.TestStep{{
			Config:      failRunConfig(srv.URL, idFile, "exit 1"),
			ExpectError: regexp.MustCompile(`(?s)local-exec provisioner error.*exit status 1`),
		}},
	})
	return runIDFrom(t, idFile)
}

// A failed apply: Terraform does not close the apply's token; stopping the
// plugin (what main does when Terraform stops it) revokes it.
func TestAccEphemeralAPIToken_failedApplyRevokedAtShutdown(t *testing.T) {
	srv := testServer(t)
	reg := newEphemeralRegistry()
	id := failRun(t, srv, reg)
	if t.Skipped() {
		return
	}
	if open := reg.openIDs(); len(open) == 1 && open[0] == id {
		t.Logf("the CLI did not close the apply's ephemeral token %s; the plugin's shutdown must revoke it", id)
		if act := activeNamed(t, srv, "eph-failrun"); len(act) != 1 {
			t.Fatalf("before shutdown: %d active eph-failrun tokens, want the 1 left open", len(act))
		}
	} else {
		t.Logf("the CLI closed the apply's ephemeral token itself (still tracked: %v)", open)
	}

	ctx, cancel := context.WithTimeout(context.Background(), ShutdownRevokeTimeout)
	defer cancel()
	if _, err := reg.revokeAll(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if act := activeNamed(t, srv, "eph-failrun"); len(act) != 0 {
		t.Errorf("after the plugin stopped: %d active eph-failrun tokens, want none: %+v", len(act), act)
	}
	if _, ok := srv.Lookup(id); ok {
		t.Errorf("token %s used by the failed apply is still on the server", id)
	}
}

// A killed provider (nothing revokes the token): it stops working within the
// default ttl, measured on the server's clock.
func TestAccEphemeralAPIToken_killedRunExpiresWithinTTL(t *testing.T) {
	srv := testServer(t)
	id := failRun(t, srv, newEphemeralRegistry()) // its registry is never shut down: the "process" was killed
	if t.Skipped() {
		return
	}
	info, ok := srv.Lookup(id)
	if !ok {
		t.Skipf("the CLI closed the apply's ephemeral token %s itself: nothing is left for a killed run", id)
	}
	if info.Status != "active" || info.ExpiresAt == nil || info.ExpiresAt.After(srv.Clock.Now().Add(defaultEphemeralTTL)) {
		t.Fatalf("left-over token: status %s, expires %v; want active, expiring within %v of %v",
			info.Status, info.ExpiresAt, defaultEphemeralTTL, srv.Clock.Now())
	}
	srv.Clock.Advance(defaultEphemeralTTL)
	if act := activeNamed(t, srv, "eph-failrun"); len(act) != 0 {
		t.Errorf("%v after the run was killed: %d active eph-failrun tokens, want none", defaultEphemeralTTL, len(act))
	}
	if info, _ := srv.Lookup(id); info.Status != "expired" {
		t.Errorf("left-over token %s is %s after %v, want expired", id, info.Status, defaultEphemeralTTL)
	}
}

// A successful run: Terraform closes the token, the provider revokes it and
// forgets it (nothing is left for the shutdown to do).
func TestAccEphemeralAPIToken_successfulRunRevoked(t *testing.T) {
	srv := testServer(t)
	reg := newEphemeralRegistry()
	idFile := filepath.Join(t.TempDir(), "id")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow110,
		ProtoV6ProviderFactories: registryFactories(srv, reg),
		Steps: []resource.TestStep{{
			Config: failRunConfig(srv.URL, idFile, "exit 0"),
			Check: func(*terraform.State) error {
				if open := reg.openIDs(); len(open) != 0 {
					return fmt.Errorf("ephemeral tokens still open after a successful apply: %v", open)
				}
				if act := activeNamed(t, srv, "eph-failrun"); len(act) != 0 {
					return fmt.Errorf("%d active eph-failrun tokens after a successful apply", len(act))
				}
				return nil
			},
		}},
	})
	if !t.Skipped() {
		if _, ok := srv.Lookup(runIDFrom(t, idFile)); ok {
			t.Error("the token used by the successful apply is still on the server")
		}
	}
}

// Terraform calls Renew while the run lasts: the provisioner blocks until the
// test has seen the token extended on the server (renewal every 20ms here).
func TestAccEphemeralAPIToken_renewedWhileRunLasts(t *testing.T) {
	srv := testServer(t)
	reg := newEphemeralRegistry()
	reg.renewEvery = 20 * time.Millisecond

	patched := make(chan string, 100) // ids PATCHed successfully
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		srv.ServeHTTP(rec, r)
		if r.Method == http.MethodPatch && rec.status == http.StatusOK {
			select {
			case patched <- filepath.Base(r.URL.Path):
			default:
			}
		}
	}))
	t.Cleanup(api.Close)

	dir := t.TempDir()
	started, release := fifo(t, dir, "started"), fifo(t, dir, "release")
	var (
		mu      sync.Mutex
		renewed string // id of the token seen renewed during the apply
	)
	// Started from PreConfig, once ParallelTest has let this test run: its
	// timeouts must not tick while the test waits for its parallel slot.
	coordinate := func() {
		defer func() { _, _ = release.WriteString("go\n") }() // never leave the provisioner hanging
		id, ok := readLine(started, time.Minute)
		if !ok {
			return
		}
		srv.Clock.Advance(time.Minute) // something to extend
		want := srv.Clock.Now().Add(defaultEphemeralTTL).UTC().Truncate(time.Second)
		deadline := time.After(time.Minute)
		for {
			select {
			case got := <-patched:
				if info, _ := srv.Lookup(got); got == id && info.ExpiresAt != nil && info.ExpiresAt.Equal(want) {
					mu.Lock()
					renewed = id
					mu.Unlock()
					return
				}
			case <-deadline:
				return
			}
		}
	}

	idFile := filepath.Join(dir, "id")
	script := fmt.Sprintf(`printf '%%s\n' "$ID" > %q; read -r x < %q`, started.Name(), release.Name())
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow110,
		ProtoV6ProviderFactories: registryFactories(srv, reg),
		Steps: []resource.TestStep{{
			PreConfig: func() { go coordinate() },
			Config:    failRunConfig(api.URL, idFile, script),
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				if renewed == "" {
					return errors.New("the apply's ephemeral token was not renewed while the provisioner waited")
				}
				if _, ok := srv.Lookup(renewed); ok || len(reg.openIDs()) != 0 {
					return fmt.Errorf("renewed token %s not revoked at the end of the run", renewed)
				}
				return nil
			},
		}},
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// fifo makes a named pipe in dir, opened read-write: opening never blocks, and
// what the test writes waits in the pipe until the provisioner reads it.
func fifo(t *testing.T, dir, name string) *os.File {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// readLine reads one line from f, giving up after d.
func readLine(f *os.File, d time.Duration) (string, bool) {
	_ = f.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 0, 64)
	b := make([]byte, 1)
	for {
		if _, err := f.Read(b); err != nil {
			return "", false
		}
		if b[0] == '\n' {
			return string(buf), true
		}
		buf = append(buf, b[0])
	}
}
