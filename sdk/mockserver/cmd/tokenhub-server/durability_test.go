package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// The durability test runs the server as a real child process: this test binary re-executed
// with childEnv set runs main instead of the tests.
const childEnv = "TOKENHUB_SERVER_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var listeningAddr = regexp.MustCompile(`tokenhub-server listening" addr=([0-9.:]+)`)

// child is a tokenhub-server process on a database.
type child struct {
	cmd  *exec.Cmd
	base string
}

func startChild(t *testing.T, db, admin string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-listen", "127.0.0.1:0", "-db", db, "-rate-limit", "0")
	cmd.Env = append(os.Environ(), childEnv+"=1", "TOKENHUB_BOOTSTRAP_TOKEN="+admin)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	var log bytes.Buffer
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if m := listeningAddr.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return &child{cmd: cmd, base: "http://" + m[1]}
		}
	}
	t.Fatalf("the server did not start:\n%s", log.String())
	return nil
}

type result struct {
	status int
	body   map[string]any
	err    error // no response: the outcome is unknown
}

func (c *child) call(hc *http.Client, method, path, token, body, idemKey string) result {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	res, err := hc.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return result{err: err}
	}
	out := result{status: res.StatusCode}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// journal is what one worker knows of its tokens: what the server acknowledged, and what it
// may or may not have done when it died.
type tokenLog struct {
	id       string
	secret   string   // the last acknowledged secret
	maybe    []string // secrets of rotations under way at the kill
	revoked  bool     // acknowledged
	mayGo    bool     // a revoke was under way at the kill
	createIK string   // the create's Idempotency-Key, when its outcome is unknown
}

// TestDurability_KillDuringBurst: kill -9 the server during a burst of creates, rotates and
// revokes; after a restart every acknowledged write is there, nothing is half-written (the
// strict loader accepts the database), and a create whose answer was lost is replayed, not
// made twice, when the client retries it with its Idempotency-Key.
func TestDurability_KillDuringBurst(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "tokens.db")
	admin, _ := mockserver.NewSecret()
	srv := startChild(t, db, admin)

	const workers, killAfter = 6, 150
	var acked atomic.Int64
	kill := make(chan struct{})
	var killOnce sync.Once
	logs := make([][]*tokenLog, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 10 * time.Second}
			ack := func() {
				if acked.Add(1) == killAfter {
					killOnce.Do(func() { close(kill) })
				}
			}
			for i := 0; ; i++ {
				var mine []*tokenLog
				for _, l := range logs[w] {
					if !l.revoked && !l.mayGo && l.createIK == "" {
						mine = append(mine, l)
					}
				}
				switch {
				case len(mine) < 3 || i%3 == 0: // create
					ik := fmt.Sprintf("w%d-%d", w, i)
					body := fmt.Sprintf(`{"name":%q,"scopes":["members.read"]}`, ik)
					r := srv.call(hc, "POST", "/api/v1/token", admin, body, ik)
					if r.err != nil {
						logs[w] = append(logs[w], &tokenLog{createIK: ik})
						return
					}
					if r.status != http.StatusCreated {
						t.Errorf("create: %d %v", r.status, r.body)
						return
					}
					id, _ := r.body["id"].(string)
					secret, _ := r.body["token"].(string)
					logs[w] = append(logs[w], &tokenLog{id: id, secret: secret})
				case i%3 == 1: // rotate
					l := mine[i%len(mine)]
					r := srv.call(hc, "POST", "/api/v1/token/"+l.id+"/rotate", admin, `{}`, "")
					if r.err != nil {
						l.maybe = append(l.maybe, "?") // the new secret was never seen
						return
					}
					if r.status != http.StatusOK {
						t.Errorf("rotate: %d %v", r.status, r.body)
						return
					}
					l.secret, _ = r.body["token"].(string)
				default: // revoke
					l := mine[0]
					r := srv.call(hc, "DELETE", "/api/v1/token/"+l.id, admin, "", "")
					if r.err != nil {
						l.mayGo = true
						return
					}
					if r.status != http.StatusNoContent {
						t.Errorf("revoke: %d %v", r.status, r.body)
						return
					}
					l.revoked = true
				}
				ack()
			}
		}()
	}
	<-kill
	if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// Restart on the same file: the strict loader must accept it.
	srv = startChild(t, db, admin)
	hc := &http.Client{Timeout: 10 * time.Second}
	checked := 0
	for w := range workers {
		for _, l := range logs[w] {
			switch {
			case l.createIK != "":
				// The answer was lost: retry exactly as a client would.
				body := fmt.Sprintf(`{"name":%q,"scopes":["members.read"]}`, l.createIK)
				r := srv.call(hc, "POST", "/api/v1/token", admin, body, l.createIK)
				if r.err != nil || r.status != http.StatusCreated {
					t.Fatalf("retried create %s: %v %d %v", l.createIK, r.err, r.status, r.body)
				}
				list := srv.call(hc, "GET", "/api/v1/tokens?name="+l.createIK, admin, "", "")
				if items, _ := list.body["items"].([]any); len(items) != 1 {
					t.Errorf("create %s retried after the crash: %d tokens of that name, want exactly 1", l.createIK, len(items))
				}
			case l.revoked:
				if r := srv.call(hc, "GET", "/api/v1/token/"+l.id, admin, "", ""); r.status != http.StatusNotFound {
					t.Errorf("acknowledged revoke of %s lost: GET = %d", l.id, r.status)
				}
			default:
				r := srv.call(hc, "GET", "/api/v1/token/"+l.id, admin, "", "")
				if l.mayGo && r.status == http.StatusNotFound {
					continue
				}
				if r.status != http.StatusOK {
					t.Errorf("acknowledged token %s lost: GET = %d", l.id, r.status)
					continue
				}
				me := srv.call(hc, "GET", "/api/v1/me", l.secret, "", "")
				if me.status != http.StatusOK && len(l.maybe) == 0 {
					t.Errorf("token %s: its last acknowledged secret no longer works (%d)", l.id, me.status)
				}
			}
			checked++
		}
	}
	if checked < killAfter/3 {
		t.Fatalf("only %d tokens checked", checked)
	}
}
