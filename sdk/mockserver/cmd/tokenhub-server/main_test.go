package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var tokenLine = regexp.MustCompile(`TOKENHUB_TOKEN=(thk_[0-9A-Za-z]+)`)

// start runs the command until the returned stop function is called.
func start(t *testing.T, args []string, env map[string]string) (addr string, out *syncBuffer, stop func() error) {
	t.Helper()
	out = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, out, ready)
	}()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("server exited: %v\n%s", err, out.String())
	}
	return addr, out, func() error { cancel(); return <-done }
}

// stopped shuts a server down and fails the test if it did not exit cleanly.
func stopped(t *testing.T, stop func() error) {
	t.Helper()
	if err := stop(); err != nil {
		t.Errorf("server did not shut down cleanly: %v", err)
	}
}

func get(t *testing.T, addr, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body) // drain for keep-alive; only the status matters
	res.Body.Close()
	return res.StatusCode
}

func TestRun_BootstrapPrintedOnceAndStateKept(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tokens.db")
	addr, out, stop := start(t, []string{"-db", db, "-log-format", "json"}, nil)
	m := tokenLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no generated token printed:\n%s", out)
	}
	admin := m[1]
	if get(t, addr, "/api/v1/me?api_token="+admin, "") != 200 {
		t.Fatal("printed admin token does not work")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), admin) != 1 {
		t.Fatalf("admin token printed %d times or logged:\n%s", strings.Count(out.String(), admin), out)
	}
	if !strings.Contains(out.String(), `"path":"/api/v1/me"`) {
		t.Fatalf("no JSON request log:\n%s", out)
	}

	addr, out, stop = start(t, []string{"-db", db}, nil)
	defer stopped(t, stop)
	if tokenLine.MatchString(out.String()) || !strings.Contains(out.String(), "unchanged") {
		t.Fatalf("second start did not keep the token:\n%s", out)
	}
	if get(t, addr, "/api/v1/me", admin) != 200 {
		t.Fatal("admin token lost across restart")
	}
}

func TestRun_EnvTokenAndErrors(t *testing.T) {
	// Without -db every start is a first start: a token is generated and printed.
	_, out, stop := start(t, nil, nil)
	tok := tokenLine.FindStringSubmatch(out.String())[1]
	stopped(t, stop)

	addr, out, stop := start(t, nil, map[string]string{"TOKENHUB_BOOTSTRAP_TOKEN": tok})
	defer stopped(t, stop)
	if tokenLine.MatchString(out.String()) || !strings.Contains(out.String(), "TOKENHUB_BOOTSTRAP_TOKEN") {
		t.Fatalf("env token not used:\n%s", out)
	}
	if get(t, addr, "/api/v1/me", tok) != 200 || get(t, addr, "/api/v1/api-docs", "") != 200 {
		t.Fatal("env token or docs do not work")
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "t.db"), "-state", bad},
		func(string) string { return "" }, &errOut, nil)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("corrupt state: err = %v", err)
	}
	// A database path that cannot be created or is not a database: refused, naming it.
	for _, db := range []string{filepath.Join(t.TempDir(), "no", "such", "dir.db"), bad, t.TempDir()} {
		err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-db", db}, func(string) string { return "" }, &errOut, nil)
		if err == nil || !strings.Contains(err.Error(), db) {
			t.Fatalf("-db %s: err = %v", db, err)
		}
	}
	if err := run(context.Background(), []string{"-log-format", "xml"}, func(string) string { return "" }, &errOut, nil); err == nil {
		t.Fatal("bad -log-format accepted")
	}
}

// TestRun_DigestKey: without TOKENHUB_DIGEST_KEY the key is written to FILE.key (0600);
// with it no key file is written and the database needs that key on every start; a bad
// value is refused without being echoed.
func TestRun_DigestKey(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "file.db")
	_, out, stop := start(t, []string{"-db", db}, nil)
	stopped(t, stop)
	if fi, err := os.Stat(db + ".key"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v\n%s", fi, err, out)
	}

	db = filepath.Join(dir, "env.db")
	key := strings.Repeat("5a", 32)
	env := map[string]string{"TOKENHUB_DIGEST_KEY": key}
	_, out, stop = start(t, []string{"-db", db}, env)
	admin := tokenLine.FindStringSubmatch(out.String())[1]
	stopped(t, stop)
	if _, err := os.Stat(db + ".key"); err == nil {
		t.Fatal("a key file was written although TOKENHUB_DIGEST_KEY gave the key")
	}
	addr, _, stop := start(t, []string{"-db", db}, env)
	if get(t, addr, "/api/v1/me", admin) != 200 {
		t.Fatal("the admin token does not work after a restart with the same key")
	}
	stopped(t, stop)

	var errOut bytes.Buffer
	for _, bad := range []string{strings.Repeat("6b", 32), "s3cr3t-key-material"} {
		err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-db", db},
			func(k string) string { return map[string]string{"TOKENHUB_DIGEST_KEY": bad}[k] }, &errOut, nil)
		if err == nil || strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "key") {
			t.Fatalf("TOKENHUB_DIGEST_KEY=%s: err = %v", bad, err)
		}
	}
}

// -caller-secrets=false refuses a create that brings its own secret; the default takes it.
func TestRun_CallerSecretsFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, http.StatusCreated}, {[]string{"-caller-secrets=false"}, http.StatusBadRequest}} {
		addr, out, stop := start(t, tc.args, nil)
		admin := tokenLine.FindStringSubmatch(out.String())[1]
		secret, err := mockserver.NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		body := `{"name":"wo","scopes":["token.read"],"token":"` + secret + `"}`
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/token", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.want || (tc.want == http.StatusBadRequest) != strings.Contains(string(got), `"field":"token"`) {
			t.Errorf("%v: status %d: %s", tc.args, res.StatusCode, got)
		}
		if tc.want == http.StatusCreated && get(t, addr, "/api/v1/me", secret) != http.StatusOK {
			t.Errorf("the caller's secret does not authenticate")
		}
		stopped(t, stop)
	}
}
