// Command dbcurve measures how fast the reference server creates tokens through the API as
// its store fills up, on the SQLite database (durable: every 201 is committed with fsync)
// and in memory, in the same run: creates/s per band of tokens, from empty to -tokens. The
// two servers are filled in alternating chunks, so both see the same machine load.
//
//	go run ./scripts/bench/dbcurve -tokens 100000 -conns 16
//
// It also measures what an fsync costs on this machine (a 4 KiB write + fsync, and a
// one-row SQLite commit with synchronous=FULL and =OFF), since that bounds a durable write.
package main

import (
	"bytes"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const createBody = `{"name":"bench","scopes":["members.read","groups.read"]}`

func main() {
	tokens := flag.Int("tokens", 100000, "tokens to create per store")
	band := flag.Int("band", 10000, "width of a band in the curve")
	first := flag.Int("first", 1000, "width of the first and last bands for the flatness ratio")
	conns := flag.Int("conns", 16, "concurrent keep-alive clients")
	dir := flag.String("dir", "", "directory for the database (default: a temporary one)")
	flag.Parse()
	if err := run(*tokens, *band, *first, *conns, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "dbcurve:", err)
		os.Exit(1)
	}
}

func run(tokens, band, first, conns int, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "dbcurve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Printf("dbcurve: %d creates per store, %d keep-alive clients, GOMAXPROCS=%d, loopback TCP, Idempotency-Key on every create\n",
		tokens, conns, runtime.GOMAXPROCS(0))
	if err := fsyncCost(dir); err != nil {
		return err
	}
	// Both servers run side by side and are filled in alternating chunks of -first creates,
	// so load from elsewhere on a shared machine hits both alike.
	servers := map[string]*filler{}
	for _, store := range []string{"sqlite", "memory"} {
		opts := []mockserver.Option{mockserver.WithRateLimit(0)}
		if store == "sqlite" {
			opts = append(opts, mockserver.WithDatabase(filepath.Join(dir, "tokens.db")))
		}
		f, err := newFiller(opts, conns)
		if err != nil {
			return fmt.Errorf("%s: %w", store, err)
		}
		defer f.close()
		servers[store] = f
	}
	curves := map[string][]time.Duration{"sqlite": {0}, "memory": {0}}
	for done := 0; done < tokens; done += first {
		for _, store := range []string{"sqlite", "memory"} {
			took, err := servers[store].fill(first)
			if err != nil {
				return fmt.Errorf("%s: %w", store, err)
			}
			c := curves[store]
			curves[store] = append(c, c[len(c)-1]+took)
		}
	}
	// curves[store][i] is the time spent until i*first tokens were acknowledged.
	at := func(st []time.Duration, n int) time.Duration { return st[n/first] }
	rate := func(st []time.Duration, from, to int) float64 {
		return float64(to-from) / (at(st, to) - at(st, from)).Seconds()
	}
	fmt.Printf("\ncreates/s per band of store size (tokens already stored → rate)\n")
	fmt.Printf("  %-15s %10s %10s %8s\n", "band", "sqlite", "memory", "ratio")
	for from := 0; from < tokens; from += band {
		to := min(from+band, tokens)
		s, m := rate(curves["sqlite"], from, to), rate(curves["memory"], from, to)
		fmt.Printf("  %6d–%-8d %10.0f %10.0f %8.2f\n", from, to, s, m, s/m)
		fmt.Printf("  RESULT band=%d-%d sqlite_cps=%.0f memory_cps=%.0f ratio=%.2f\n", from, to, s, m, s/m)
	}
	for _, store := range []string{"sqlite", "memory"} {
		st := curves[store]
		lo, hi := rate(st, 0, first), rate(st, tokens-first, tokens)
		fmt.Printf("  RESULT store=%s first_%d_cps=%.0f last_%d_cps=%.0f flat_ratio=%.2f all_cps=%.0f\n",
			store, first, lo, first, hi, hi/lo, rate(st, 0, tokens))
	}
	s, m := rate(curves["sqlite"], 0, tokens), rate(curves["memory"], 0, tokens)
	fmt.Printf("  RESULT sqlite_vs_memory=%.2f (all %d creates)\n", s/m, tokens)
	return nil
}

// filler is a server on a loopback listener and the clients that create tokens in it.
type filler struct {
	srv   *mockserver.Server
	hs    *http.Server
	hc    *http.Client
	url   string
	conns int
}

func newFiller(opts []mockserver.Option, conns int) (*filler, error) {
	srv, err := mockserver.New(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Join(err, srv.Close())
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	tr.MaxIdleConnsPerHost = conns * 2
	return &filler{srv: srv, hs: hs, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		url: "http://" + ln.Addr().String() + "/api/v1/token", conns: conns}, nil
}

func (f *filler) close() { _ = f.hs.Close(); _ = f.srv.Close() }

// fill creates n tokens through the API with f.conns clients and returns how long it took.
func (f *filler) fill(n int) (time.Duration, error) {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range f.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := create(f.hc, f.url, f.srv.AdminToken()); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), firstErr
}

func create(hc *http.Client, url, token string) error {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(createBody)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", uuid.NewString())
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("create: status %d: %s", resp.StatusCode, raw)
	}
	return nil
}

// fsyncCost prints the median cost of a 4 KiB write + fsync, and of a one-row SQLite commit
// in WAL mode with synchronous=FULL (what the server uses) and =OFF (no fsync).
func fsyncCost(dir string) error {
	const n = 200
	f, err := os.Create(filepath.Join(dir, "fsync.bin"))
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 4096)
	var lat []time.Duration
	for range n {
		t := time.Now()
		if _, err := f.Write(buf); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		lat = append(lat, time.Since(t))
	}
	fmt.Printf("  RESULT fsync_4k_median=%s\n", med(lat))
	for _, sync := range []string{"FULL", "OFF"} {
		db, err := sql.Open("sqlite", filepath.Join(dir, "commit-"+sync+".db")+
			"?_pragma=journal_mode(WAL)&_pragma=synchronous("+sync+")")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)`); err != nil {
			return errors.Join(err, db.Close())
		}
		lat = lat[:0]
		for range n {
			t := time.Now()
			if _, err := db.Exec(`INSERT INTO t (v) VALUES (?)`, buf[:300]); err != nil {
				return errors.Join(err, db.Close())
			}
			lat = append(lat, time.Since(t))
		}
		fmt.Printf("  RESULT sqlite_commit_synchronous_%s_median=%s\n", sync, med(lat))
		if err := db.Close(); err != nil {
			return err
		}
	}
	return nil
}

func med(v []time.Duration) time.Duration {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
