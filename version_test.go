package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value    string
		wantOut  string
		wantExit bool
		wantErr  bool
	}{
		{value: "true", wantOut: "terraform-provider-tokenhub dev\n", wantExit: true},
		{value: "false"},
		{value: "maybe", wantErr: true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			exited := -1
			err := versionFlag(&out, func(code int) { exited = code })(tc.value)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if out.String() != tc.wantOut {
				t.Errorf("output = %q, want %q", out.String(), tc.wantOut)
			}
			if tc.wantExit && exited != 0 {
				t.Errorf("exit code = %d, want 0", exited)
			}
			if !tc.wantExit && exited != -1 {
				t.Errorf("exited with %d, want no exit", exited)
			}
		})
	}
}

// TestVersionLdflags builds the binary as the release does (.goreleaser.yml's ldflags)
// and checks that -version reports the injected version and commit.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "terraform-provider-tokenhub")
	build := exec.CommandContext(t.Context(), goBin, "build", "-o", bin,
		"-ldflags", "-s -w -X main.version=1.2.3 -X main.commit=abc1234", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.CommandContext(t.Context(), bin, "-version")
	// Without the plugin handshake cookie a binary that ignored -version would exit, not serve.
	cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("-version: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "terraform-provider-tokenhub 1.2.3 (commit abc1234)"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}
