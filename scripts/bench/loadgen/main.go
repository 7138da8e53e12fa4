// Command loadgen measures the reference server's throughput over loopback TCP against a bare
// net/http handler answering the same JSON, with the same load generator in the same run.
//
// Both run in this process, each behind its own 127.0.0.1 listener and http.Server; the
// clients are keep-alive connections driven by -conns goroutines for -duration per round.
// Rounds alternate which target goes first, and the ratio is the median of the per-round
// ratios, so a burst of load from elsewhere on the machine hits both sides alike.
//
//	go run ./scripts/bench/loadgen -duration 2s -rounds 5
//
// With -external URL and -token, the GET load is also run against a server already listening
// there (such as the tokenhub-server binary), as a third target.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const createBody = `{"name":"bench","scopes":["members.read","groups.read"]}`

type target struct {
	name, url, secret, id string
}

type op struct {
	name   string
	method string
	path   func(t target) string
	body   string
	want   int
}

var ops = map[string]op{
	"get": {name: "GET /api/v1/token/{id}", method: http.MethodGet,
		path: func(t target) string { return "/api/v1/token/" + t.id }, want: http.StatusOK},
	"create": {name: "POST /api/v1/token", method: http.MethodPost,
		path: func(target) string { return "/api/v1/token" }, body: createBody, want: http.StatusCreated},
	"list": {name: "GET /api/v1/tokens?limit=50", method: http.MethodGet,
		path: func(target) string { return "/api/v1/tokens?limit=50" }, want: http.StatusOK},
}

func main() {
	duration := flag.Duration("duration", 2*time.Second, "length of one measured round per target")
	rounds := flag.Int("rounds", 3, "rounds per target and operation")
	conns := flag.Int("conns", 16, "concurrent keep-alive clients")
	which := flag.String("ops", "get,create", "operations: get, list, create (comma-separated)")
	db := flag.String("db", "", "run the in-process server on this SQLite database (a new file) instead of in memory")
	seed := flag.Int("seed", 0, "tokens to create in the server before measuring")
	external := flag.String("external", "", "URL of a running server to measure too (GET only)")
	token := flag.String("token", "", "admin token for -external")
	flag.Parse()
	if err := run(*duration, *rounds, *conns, *which, *external, *token, *db, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, rounds, conns int, which, external, token, db string, seed int) error {
	opts := []mockserver.Option{mockserver.WithRateLimit(0)}
	store := "memory"
	if db != "" {
		opts, store = append(opts, mockserver.WithDatabase(db)), "sqlite"
	}
	srv, err := mockserver.New(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	for range seed {
		if _, _, err := srv.IssueToken("admin", []string{"members.read"}, false); err != nil {
			return err
		}
	}
	id, _, err := srv.IssueToken("admin", []string{"members.read", "groups.read"}, false)
	if err != nil {
		return err
	}
	server := target{name: "server", secret: srv.AdminToken(), id: id}
	if server.url, err = listen(srv); err != nil {
		return err
	}
	hc := client(conns)
	// The bare handler answers the server's own bytes.
	getBody, err := send(hc, server, ops["get"])
	if err != nil {
		return err
	}
	postBody, err := send(hc, server, ops["create"])
	if err != nil {
		return err
	}
	listBody, err := send(hc, server, ops["list"])
	if err != nil {
		return err
	}
	bare := target{name: "bare", secret: server.secret, id: id}
	if bare.url, err = listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(postBody)
			return
		}
		if r.URL.Path == "/api/v1/tokens" {
			_, _ = w.Write(listBody)
			return
		}
		_, _ = w.Write(getBody)
	})); err != nil {
		return err
	}
	var ext *target
	if external != "" {
		ext = &target{name: "binary", url: external, secret: token}
		raw, err := send(hc, *ext, ops["create"])
		if err != nil {
			return fmt.Errorf("external server: %w", err)
		}
		var created struct{ ID string }
		if err := json.Unmarshal(raw, &created); err != nil {
			return err
		}
		ext.id = created.ID
	}

	fmt.Printf("loadgen: %d keep-alive clients, %d rounds of %s per target, GOMAXPROCS=%d, loopback TCP, store %s with %d tokens\n",
		conns, rounds, duration, runtime.GOMAXPROCS(0), store, srv.Count())
	for _, name := range splitOps(which) {
		o, ok := ops[name]
		if !ok {
			return fmt.Errorf("unknown op %q", name)
		}
		ts := []target{server, bare}
		if ext != nil && name == "get" {
			ts = append(ts, *ext)
		}
		// Warm up connections and code paths.
		for _, t := range ts {
			if _, err := load(hc, t, o, conns, duration/4); err != nil {
				return err
			}
		}
		rps := map[string][]float64{}
		var ratios []float64
		for r := range rounds {
			order := slices.Clone(ts)
			if r%2 == 1 {
				slices.Reverse(order)
			}
			got := map[string]float64{}
			for _, t := range order {
				v, err := load(hc, t, o, conns, duration)
				if err != nil {
					return err
				}
				got[t.name] = v
				rps[t.name] = append(rps[t.name], v)
			}
			ratios = append(ratios, got["server"]/got["bare"])
		}
		fmt.Printf("\n%s\n", o.name)
		fmt.Printf("  %-8s %12s %12s %12s\n", "target", "median rps", "min rps", "max rps")
		for _, t := range ts {
			v := rps[t.name]
			fmt.Printf("  %-8s %12.0f %12.0f %12.0f\n", t.name, median(v), slices.Min(v), slices.Max(v))
		}
		fmt.Printf("  RESULT op=%s store=%s server_rps=%.0f bare_rps=%.0f ratio=%.2f (median of per-round ratios; min %.2f max %.2f)\n",
			name, store, median(rps["server"]), median(rps["bare"]), median(ratios), slices.Min(ratios), slices.Max(ratios))
		if ext != nil && name == "get" {
			fmt.Printf("  RESULT op=get binary_rps=%.0f ratio_vs_bare=%.2f\n", median(rps["binary"]), median(rps["binary"])/median(rps["bare"]))
		}
	}
	return nil
}

func splitOps(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		if len(p) > 0 {
			out = append(out, string(p))
		}
	}
	return out
}

func listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

func client(conns int) *http.Client {
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	tr.MaxIdleConnsPerHost = conns * 2
	tr.MaxIdleConns = conns * 8
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// send does one request and returns the body, failing on an unexpected status.
func send(hc *http.Client, t target, o op) ([]byte, error) {
	return sendCtx(context.Background(), hc, t, o)
}

func sendCtx(ctx context.Context, hc *http.Client, t target, o op) ([]byte, error) {
	var body io.Reader
	if o.body != "" {
		body = bytes.NewReader([]byte(o.body))
	}
	req, err := http.NewRequestWithContext(ctx, o.method, t.url+o.path(t), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+t.secret)
	if o.body != "" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", uuid.NewString()) // as the SDK sends
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != o.want {
		return nil, fmt.Errorf("%s %s on %s: status %d: %s", o.method, o.path(t), t.name, resp.StatusCode, raw)
	}
	return raw, nil
}

// load runs conns clients for d and returns completed requests per second.
func load(hc *http.Client, t target, o op, conns int, d time.Duration) (float64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := sendCtx(ctx, hc, t, o); err != nil {
					if !errors.Is(err, context.Canceled) {
						errOnce.Do(func() { firstErr = err; cancel() })
					}
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, firstErr
	}
	return float64(done.Load()) / elapsed.Seconds(), nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
