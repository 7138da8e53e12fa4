package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMainProcess is not a test: TestHelp runs the test binary as tokenhub-server through it.
func TestMainProcess(t *testing.T) {
	if os.Getenv("TOKENHUB_SERVER_MAIN") != "1" {
		t.Skip("helper process for TestHelp")
	}
	os.Args = append([]string{"tokenhub-server"}, strings.Split(os.Getenv("TOKENHUB_SERVER_ARGS"), " ")...)
	main()
	os.Exit(0)
}

func runMain(t *testing.T, args string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
	cmd.Env = append(os.Environ(), "TOKENHUB_SERVER_MAIN=1", "TOKENHUB_SERVER_ARGS="+args)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		out, code := runMain(t, arg)
		if code != 0 {
			t.Fatalf("%s: exit %d, want 0:\n%s", arg, code, out)
		}
		for _, want := range []string{
			// every flag
			"-listen", "-state", "-rate-limit", "-log-format", "-db FILE", "-auth-failure-rate", "-auth-failure-burst",
			"-caller-secrets",
			// the digest key and the limit on failed authentications
			"TOKENHUB_DIGEST_KEY", "FILE.key", "0600", "HMAC-SHA-256", "per client address", "X-Forwarded-For",
			// the environment and the bootstrap token's format
			"TOKENHUB_BOOTSTRAP_TOKEN", "thk_ + 32 base62 characters", "6-character base62", "checksum",
			"/api-docs", "Exit status",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: usage lacks %q:\n%s", arg, want, out)
			}
		}
	}
	// An unknown flag is still an error (exit 1) and shows the usage.
	out, code := runMain(t, "-no-such-flag")
	if code != 1 || !strings.Contains(out, "Usage: tokenhub-server") {
		t.Fatalf("unknown flag: exit %d:\n%s", code, out)
	}
}

// TestRun_HTTPLimits checks that the command serves with mockserver.DefaultHTTPLimits
// (their timeouts are tested, scaled down, in package mockserver).
func TestRun_HTTPLimits(t *testing.T) {
	addr, _, stop := start(t, nil, nil)
	defer stopped(t, stop)
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/scopes", nil)
	req.Header.Set("X-Padding", strings.Repeat("p", 64<<10))
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB of headers: status %d, want 431", res.StatusCode)
	}
}
