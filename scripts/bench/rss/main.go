// Command rss measures the reference server's resident memory with many tokens.
//
// -mode issue (default): an in-process server in this process, seeded with srv.IssueToken
// (the store only); VmRSS is read from /proc/self/status before and after seeding.
//
// -mode api: starts the tokenhub-server binary (-server) as a child process with the rate
// limit off, seeds it through the SDK's CreateToken (as Terraform would: each create carries
// an Idempotency-Key, whose cached response the server keeps for 24 h), and reads the child's
// VmRSS from /proc/<pid>/status.
//
// -mode api-inproc: the same API seeding against an in-process server on a loopback
// listener, so runtime.MemStats (HeapInuse: the live heap plus GC slack) can be reported next
// to VmRSS; the client's own memory (one SDK client) is small. -no-idem strips the
// Idempotency-Key from the creates, to show what the idempotency cache costs.
//
//	go run ./scripts/bench/rss -tokens 100000
//	go run ./scripts/bench/rss -mode api -server bin/tokenhub-server -tokens 100000
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

func main() {
	mode := flag.String("mode", "issue", "issue (in-process store) or api (binary, seeded through the API)")
	tokens := flag.Int("tokens", 100000, "tokens to seed")
	server := flag.String("server", "bin/tokenhub-server", "server binary for -mode api")
	workers := flag.Int("workers", 8, "concurrent creates for -mode api")
	noIdem := flag.Bool("no-idem", false, "-mode api, api-inproc: send creates without Idempotency-Key")
	flag.StringVar(&dbPath, "db", "", "-mode api, api-inproc: keep the tokens in this SQLite database (-db) instead of in memory")
	flag.StringVar(&heapProfile, "memprofile", "", "-mode api-inproc: write a heap profile (after GC) to this file")
	flag.Parse()
	var err error
	switch *mode {
	case "issue":
		err = inProcess(*tokens)
	case "api":
		err = viaAPI(*server, *tokens, *workers, *noIdem)
	case "api-inproc":
		err = viaAPIInProcess(*tokens, *workers, *noIdem)
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rss:", err)
		os.Exit(1)
	}
}

var heapProfile string

var scopes = []string{"members.read", "groups.read"}

func inProcess(n int) error {
	srv, err := mockserver.New(mockserver.WithRateLimit(0))
	if err != nil {
		return err
	}
	defer srv.Close()
	runtime.GC()
	before, _, err := vm("self")
	if err != nil {
		return err
	}
	start := time.Now()
	for range n {
		if _, _, err := srv.IssueToken("admin", scopes, false); err != nil {
			return err
		}
	}
	seed := time.Since(start)
	rss, hwm, err := vm("self")
	if err != nil {
		return err
	}
	runtime.GC()
	afterGC, _, _ := vm("self")
	fmt.Printf("RESULT rss mode=issue tokens=%d rss_mb=%.1f peak_mb=%.1f rss_after_gc_mb=%.1f empty_mb=%.1f per_token_bytes=%.0f seed=%s\n",
		srv.Count(), mb(rss), mb(hwm), mb(afterGC), mb(before), float64(rss-before)/float64(n), seed.Round(time.Millisecond))
	return nil
}

// dbPath is -db.
var dbPath string

func viaAPI(bin string, n, workers int, noIdem bool) error {
	secret, err := mockserver.NewSecret()
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	args := []string{"-listen", addr, "-rate-limit", "0"}
	if dbPath != "" {
		args = append(args, "-db", dbPath)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TOKENHUB_BOOTSTRAP_TOKEN="+secret)
	cmd.Stdout, cmd.Stderr = nil, nil // the request log goes to /dev/null
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pid := strconv.Itoa(cmd.Process.Pid)
	endpoint := "http://" + addr
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	tr.MaxIdleConnsPerHost = workers
	var rt http.RoundTripper = tr
	if noIdem {
		rt = stripIdem{tr}
	}
	c, err := sdk.New(endpoint, sdk.WithToken(secret), sdk.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := waitReady(ctx, c); err != nil {
		return err
	}
	before, _, err := vm(pid)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := seed(ctx, c, n, workers); err != nil {
		return err
	}
	took := time.Since(start)
	rss, hwm, err := vm(pid)
	if err != nil {
		return err
	}
	fmt.Printf("RESULT rss mode=api db=%t idem=%t tokens=%d rss_mb=%.1f peak_mb=%.1f empty_mb=%.1f per_token_bytes=%.0f seed=%s (%.0f creates/s)\n",
		dbPath != "", !noIdem, n, mb(rss), mb(hwm), mb(before), float64(rss-before)/float64(n), took.Round(time.Millisecond), float64(n)/took.Seconds())
	return nil
}

// seed creates n tokens through c with the given number of concurrent workers.
func seed(ctx context.Context, c *sdk.Client, n, workers int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				req := sdk.CreateTokenRequest{Name: "rss", Scopes: []sdk.ScopeName{"members.read", "groups.read"}}
				if _, err := c.CreateToken(ctx, req); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func viaAPIInProcess(n, workers int, noIdem bool) error {
	opts := []mockserver.Option{mockserver.WithRateLimit(0)}
	if dbPath != "" {
		opts = append(opts, mockserver.WithDatabase(dbPath))
	}
	srv, err := mockserver.New(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	tr.MaxIdleConnsPerHost = workers
	var rt http.RoundTripper = tr
	if noIdem {
		rt = stripIdem{tr}
	}
	c, err := sdk.New("http://"+ln.Addr().String(), sdk.WithToken(srv.AdminToken()),
		sdk.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		return err
	}
	ctx := context.Background()
	runtime.GC()
	before, _, err := vm("self")
	if err != nil {
		return err
	}
	start := time.Now()
	if err := seed(ctx, c, n, workers); err != nil {
		return err
	}
	took := time.Since(start)
	rss, hwm, err := vm("self")
	if err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	inuse, alloc := ms.HeapInuse, ms.HeapAlloc
	// What the Go runtime holds from the OS (heap, stacks, GC metadata) less what it has given
	// back: the rest of VmRSS is memory outside the Go runtime (SQLite's allocator, -db).
	goHeld := ms.Sys - ms.HeapReleased
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if heapProfile != "" {
		f, err := os.Create(heapProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			return err
		}
	}
	fmt.Printf("RESULT rss mode=api-inproc db=%t idem=%t tokens=%d rss_mb=%.1f peak_mb=%.1f empty_mb=%.1f per_token_bytes=%.0f "+
		"heap_inuse_mb=%.1f heap_alloc_mb=%.1f go_held_mb=%.1f outside_go_mb=%.1f live_after_gc_mb=%.1f live_per_token_bytes=%.0f seed=%s\n",
		dbPath != "", !noIdem, srv.Count(), mb(rss), mb(hwm), mb(before), float64(rss-before)/float64(n),
		mb(int64(inuse)), mb(int64(alloc)), mb(int64(goHeld)), mb(rss-int64(goHeld)), mb(int64(ms.HeapAlloc)), float64(ms.HeapAlloc)/float64(n), took.Round(time.Millisecond))
	return nil
}

// stripIdem sends requests without Idempotency-Key (and so without the server's cache).
type stripIdem struct{ base http.RoundTripper }

func (s stripIdem) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Idempotency-Key")
	return s.base.RoundTrip(r)
}

func waitReady(ctx context.Context, c *sdk.Client) error {
	var err error
	for range 100 {
		if _, err = c.Me(ctx); err == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("server not ready: %w", err)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// vm reads VmRSS and VmHWM (peak RSS) in bytes from /proc/<pid>/status.
func vm(pid string) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc/" + pid + "/status")
	}
	return rss, hwm, sc.Err()
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
