package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `make demo` twice in a row with a user's files in the scratch folder: the files and the
// tokens they made survive; a file a user dropped into the demo's own folder stops the demo
// instead of being deleted.
func TestDemo_KeepsUserFilesAndTokens(t *testing.T) {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if os.Getenv("TOKENHUB_REQUIRE_ACC") == "1" {
			t.Fatal("TF_ACC_TERRAFORM_PATH is not set, so the demo cannot be tested")
		}
		t.Skip("set TF_ACC_TERRAFORM_PATH (as make test does) to run the demo")
	}
	dir := t.TempDir()
	t.Cleanup(func() { stopDemoServer(t, dir) })
	demo := func(wantCode int) string {
		t.Helper()
		cmd := exec.Command("scripts/demo.sh")
		cmd.Env = append(os.Environ(), "DEMO_DIR="+dir, "KEEP_SERVER=1", "DEMO_PORT=18380")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != wantCode {
			t.Fatalf("make demo exited %d, want %d:\n%s", code, wantCode, out)
		}
		return string(out)
	}
	inScratch := func(args string) (string, int) {
		t.Helper()
		cmd := exec.Command("bash", "-c", `source "$DEMO_DIR/env.sh" && "$TF_ACC_TERRAFORM_PATH" -chdir="$DEMO_DIR/scratch" `+args)
		cmd.Env = append(os.Environ(), "DEMO_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}

	out := demo(0)
	if !strings.Contains(out, "scratch") {
		t.Errorf("the demo's closing hint does not name the scratch folder:\n%s", out)
	}
	scratch := filepath.Join(dir, "scratch")
	userTF, err := os.ReadFile("examples/scratch/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(scratch, "main.tf"), userTF)
	writeFile(t, filepath.Join(scratch, "notes.txt"), []byte("mine\n"))
	if out, code := inScratch("apply -auto-approve -input=false -no-color"); code != 0 { // creates only
		t.Fatalf("applying the user's configuration: %s", out)
	} else if regexp.MustCompile(`thk_[A-Za-z0-9]{30,}`).MatchString(out) {
		t.Fatalf("apply printed a secret; the example's secret output must be sensitive:\n%s", out)
	}
	// The curl line of the example's comment, as a user would paste it, works: the secret it
	// reads with terraform output -raw authenticates as the token the example made.
	curl := regexp.MustCompile(`(?m)^#\s+(curl .*output -raw.*)$`).FindSubmatch(userTF)
	if curl == nil {
		t.Fatal("examples/scratch/main.tf shows no curl line that uses terraform output -raw")
	}
	line := strings.NewReplacer("terraform -chdir=.demo/", `"$TF_ACC_TERRAFORM_PATH" -chdir="$DEMO_DIR"/`).Replace(string(curl[1]))
	cmd := exec.Command("bash", "-c", `source "$DEMO_DIR/env.sh" && curl -sf `+strings.TrimPrefix(line, "curl "))
	cmd.Env = append(os.Environ(), "DEMO_DIR="+dir)
	if me, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(me), `"name":"my-first-token"`) {
		t.Fatalf("the example's curl line (%s) answered %s, %v; want the token my-first-token", line, me, err)
	}

	demo(0)
	for name, want := range map[string][]byte{"main.tf": userTF, "notes.txt": []byte("mine\n")} {
		if got, err := os.ReadFile(filepath.Join(scratch, name)); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("scratch/%s did not survive the second make demo: %v", name, err)
		}
	}
	if out, code := inScratch("plan -detailed-exitcode -input=false -no-color"); code != 0 {
		t.Fatalf("the user's token did not survive the second make demo (plan exit %d):\n%s", code, out)
	}

	foreign := filepath.Join(dir, "work", "extra.tf")
	writeFile(t, foreign, []byte("# someone's file\n"))
	if out := demo(3); !strings.Contains(out, "work/extra.tf") || !strings.Contains(out, "scratch") {
		t.Errorf("the refusal does not name the file and the scratch folder:\n%s", out)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatalf("make demo removed a file it did not put there: %v", err)
	}
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// stopDemoServer stops the server a KEEP_SERVER=1 demo left running, by its pid file.
func stopDemoServer(t *testing.T, dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "server.pid"))
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Logf("stopping the demo server (pid %d): %v", pid, err)
			return
		}
		// Wait until it has exited: it saves its data as it stops, and the temporary
		// folder is removed right after this cleanup.
		deadline := time.Now().Add(15 * time.Second)
		for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
}
