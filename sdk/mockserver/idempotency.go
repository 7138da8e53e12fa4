package mockserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

const idempotencyTTL = 24 * time.Hour

// idemStore remembers, per caller token and Idempotency-Key, the first successful response
// for 24 h. It never holds a secret or an Idempotency-Key in the clear: entries are indexed by
// a digest of (caller, key), and each response is sealed (AES-256-GCM) under a key derived
// from the Idempotency-Key, which only the client knows and presents again to replay. It is
// never persisted.
type idemStore struct {
	mu      sync.Mutex
	done    map[[sha256.Size]byte]idemDone     // finished requests, by idemIndex
	pending map[[sha256.Size]byte]*idemPending // requests still running
	peak    int                                // largest len(done) since the map was rebuilt
}

// idemDone is one remembered response: box = seal(fingerprint | compress(response)).
type idemDone struct {
	expires int64 // UnixNano
	box     []byte
}

type idemPending struct {
	fp   [sha256.Size]byte
	done chan struct{} // closed when the first request finishes
}

func newIdemStore() *idemStore {
	return &idemStore{done: map[[sha256.Size]byte]idemDone{}, pending: map[[sha256.Size]byte]*idemPending{}}
}

// purge forgets keys older than 24 h. Go maps never shrink, so once most entries are gone
// the map is rebuilt at its live size to give the memory back.
func (st *idemStore) purge(now time.Time) {
	t := now.UnixNano()
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, d := range st.done {
		if t >= d.expires {
			delete(st.done, k)
		}
	}
	if st.peak >= 1024 && len(st.done) <= st.peak/4 {
		m := make(map[[sha256.Size]byte]idemDone, len(st.done))
		for k, d := range st.done {
			m[k] = d
		}
		st.done, st.peak = m, len(m)
	}
}

// fingerprint identifies "the same request": method, path and the body's JSON value (so key
// order and spacing do not matter).
func fingerprint(r *http.Request, raw []byte) [sha256.Size]byte {
	canon := bytes.TrimSpace(raw)
	var v any
	if len(canon) > 0 && json.Unmarshal(canon, &v) == nil {
		if b, err := json.Marshal(v); err == nil {
			canon = b
		}
	}
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	h.Write(canon)
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out
}

// serveIdempotent runs next at most once per (caller, key) within 24 h: a repeat with the same
// request replays the first successful response (status and body, secret included, because
// the client must get what it lost), a repeat with another request (method, path or body)
// gets 422, and a repeat while the first is still running waits for it. Failed attempts are
// not remembered, so they can be retried.
func (s *Server) serveIdempotent(w http.ResponseWriter, r *http.Request, c *caller, key string, raw []byte, next http.Handler) {
	fp := fingerprint(r, raw)
	idx := idemIndex(c.id, key)
	st := s.idem
	for {
		now := s.cfg.clock.Now()
		st.mu.Lock()
		if d, ok := st.done[idx]; ok {
			if now.UnixNano() < d.expires {
				st.mu.Unlock()
				s.replayIdempotent(w, r, c, key, idx, fp, d.box)
				return
			}
			delete(st.done, idx)
		}
		if p := st.pending[idx]; p != nil {
			if p.fp != fp {
				st.mu.Unlock()
				keyReused(w, r, key)
				return
			}
			done := p.done
			st.mu.Unlock()
			select {
			case <-done:
				continue
			case <-r.Context().Done():
				return
			}
		}
		p := &idemPending{fp: fp, done: make(chan struct{})}
		st.pending[idx] = p
		st.mu.Unlock()

		buf := newBufferedWriter()
		func() {
			var box []byte
			defer func() {
				st.mu.Lock()
				delete(st.pending, idx)
				if box != nil {
					st.done[idx] = idemDone{expires: now.Add(idempotencyTTL).UnixNano(), box: box}
					st.peak = max(st.peak, len(st.done))
				}
				close(p.done)
				st.mu.Unlock()
			}()
			next.ServeHTTP(buf, r)
			if buf.status >= 200 && buf.status < 300 {
				box = sealResponse(c.id, key, idx, fp, buf)
			}
		}()
		buf.copyTo(w)
		return
	}
}

// replayIdempotent answers a repeat of a remembered request from its sealed response.
func (s *Server) replayIdempotent(w http.ResponseWriter, r *http.Request, c *caller, key string, idx, fp [sha256.Size]byte, box []byte) {
	gotFP, resp, err := openResponse(c.id, key, idx, box)
	switch {
	case err != nil: // cannot happen: idx and the seal key come from the same (caller, key)
		newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
			"the remembered response for this Idempotency-Key cannot be read").write(w, r.URL.Path)
	case gotFP != fp:
		keyReused(w, r, key)
	default:
		w.Header().Set("Idempotent-Replayed", "true")
		resp.copyTo(w)
	}
}

func keyReused(w http.ResponseWriter, r *http.Request, key string) {
	newProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Unprocessable Entity",
		"Idempotency-Key %q was already used with a different request", key).write(w, r.URL.Path)
}

// bufferedWriter holds a whole response so it can be remembered, replayed or thrown away.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = append([]string(nil), v...)
	}
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(b.body.Bytes())
}
