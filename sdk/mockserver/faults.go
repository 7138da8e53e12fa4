package mockserver

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FaultKind is one kind of injected failure.
type FaultKind int

const (
	Fault500          FaultKind = iota // 500 problem; the request is not processed
	Fault503                           // 503 problem with Retry-After; not processed
	Fault429                           // 429 problem with Retry-After; not processed
	FaultDrop                          // connection closed without a response; not processed
	FaultLatency                       // Faults.Latency added, then processed normally
	FaultLostResponse                  // processed and committed, then the connection is dropped
)

var faultNames = map[FaultKind]string{
	Fault500: "500", Fault503: "503", Fault429: "429", FaultDrop: "drop",
	FaultLatency: "latency", FaultLostResponse: "lost_response",
}

func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Faults injects failures into a fraction of API requests (never into /api-docs or
// /api/v1/api-docs). The choice is deterministic for a given Seed and request order.
//
// Dropped connections: Go's http.Transport itself silently retries some requests whose
// connection closed before any response (GET, and any request with an Idempotency-Key, on a
// reused connection), so a client may never see a FaultDrop. Use a transport with
// DisableKeepAlives to observe every drop.
type Faults struct {
	Rate    float64       // fraction of requests (0..1) that get a fault
	Kinds   []FaultKind   // chosen uniformly among these; empty = all
	Latency time.Duration // for FaultLatency
	Seed    int64         // deterministic choice
	// RetryAfter is the Retry-After sent with injected 429 and 503 answers, rounded up to
	// whole seconds. 0 means 1 s; negative sends no Retry-After. A client that honours
	// Retry-After waits this long per retry: keep it small, or set a negative value and let
	// the client's own (small) backoff apply.
	RetryAfter time.Duration
}

var allFaultKinds = []FaultKind{Fault500, Fault503, Fault429, FaultDrop, FaultLatency, FaultLostResponse}

type faultState struct {
	mu  sync.Mutex
	f   Faults
	rng *rand.Rand
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.Kinds = append([]FaultKind(nil), f.Kinds...)
	fs.f = f
	fs.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x746f6b656e687562))
}

// pick decides whether this request gets a fault, and which.
func (fs *faultState) pick() (Faults, FaultKind, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.f.Rate <= 0 || fs.rng == nil {
		return Faults{}, 0, false
	}
	if fs.rng.Float64() >= fs.f.Rate {
		return Faults{}, 0, false
	}
	kinds := fs.f.Kinds
	if len(kinds) == 0 {
		kinds = allFaultKinds
	}
	return fs.f, kinds[fs.rng.IntN(len(kinds))], true
}

// SetFaults replaces the fault configuration at runtime (the zero value turns faults off)
// and restarts the random sequence from f.Seed.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// serveFault applies an injected fault; it returns false when the request should be served
// normally (after FaultLatency).
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f Faults, kind FaultKind) {
	retryAfter := 0
	switch {
	case f.RetryAfter == 0:
		retryAfter = 1
	case f.RetryAfter > 0:
		retryAfter = int(math.Ceil(f.RetryAfter.Seconds()))
	}
	switch kind {
	case Fault500:
		newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
			"injected fault: internal error").write(w, r.URL.Path)
	case Fault503:
		p := newProblem(http.StatusServiceUnavailable, "unavailable", "Service Unavailable",
			"injected fault: service unavailable")
		p.retryAfter = retryAfter
		p.write(w, r.URL.Path)
	case Fault429:
		p := newProblem(http.StatusTooManyRequests, "rate-limited", "Too Many Requests",
			"injected fault: rate limited")
		p.retryAfter = retryAfter
		p.write(w, r.URL.Path)
	case FaultDrop:
		dropConnection(w)
	case FaultLatency:
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		s.serveAPI(w, r)
	case FaultLostResponse:
		// The request runs to completion (and commits), but its response goes nowhere.
		s.serveAPI(newBufferedWriter(), r)
		dropConnection(w)
	}
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	// Not hijackable (HTTP/2): aborting the handler resets the stream instead.
	panic(http.ErrAbortHandler)
}
