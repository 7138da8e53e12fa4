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

// idemStore remembers, per caller token and Idempotency-Key, the request's fingerprint and
// its first successful response. It is never persisted: cached responses hold secrets.
type idemStore struct {
	mu sync.Mutex
	m  map[string]*idemEntry
}

type idemEntry struct {
	hash    [sha256.Size]byte
	done    chan struct{} // closed when the first request finishes (then nil)
	resp    *cachedResponse
	expires time.Time
}

func newIdemStore() *idemStore { return &idemStore{m: map[string]*idemEntry{}} }

// purge forgets keys older than 24 h.
func (st *idemStore) purge(now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, e := range st.m {
		if e.resp != nil && !now.Before(e.expires) {
			delete(st.m, k)
		}
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
// the client must get what it lost), a repeat with another request gets 422, and a repeat
// while the first is still running waits for it. Failed attempts are not remembered, so they
// can be retried.
func (s *Server) serveIdempotent(w http.ResponseWriter, r *http.Request, c *caller, key string, raw []byte, next http.Handler) {
	hash := fingerprint(r, raw)
	k := c.id + "\x00" + key
	for {
		now := s.cfg.clock.Now()
		s.idem.mu.Lock()
		e := s.idem.m[k]
		if e != nil && e.resp != nil && !now.Before(e.expires) {
			delete(s.idem.m, k)
			e = nil
		}
		switch {
		case e == nil:
			e = &idemEntry{hash: hash, done: make(chan struct{}), expires: now.Add(idempotencyTTL)}
			s.idem.m[k] = e
			s.idem.mu.Unlock()
			buf := newBufferedWriter()
			func() {
				defer func() {
					s.idem.mu.Lock()
					if buf.status >= 200 && buf.status < 300 {
						e.resp = buf.compact()
					} else if s.idem.m[k] == e {
						delete(s.idem.m, k)
					}
					close(e.done)
					e.done = nil // waiters hold their own copy; later requests see e.resp
					s.idem.mu.Unlock()
				}()
				next.ServeHTTP(buf, r)
			}()
			buf.copyTo(w)
			return
		case e.hash != hash:
			s.idem.mu.Unlock()
			newProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Unprocessable Entity",
				"Idempotency-Key %q was already used with a different request", key).write(w, r.URL.Path)
			return
		case e.resp != nil:
			resp := e.resp
			s.idem.mu.Unlock()
			w.Header().Set("Idempotent-Replayed", "true")
			resp.copyTo(w)
			return
		default:
			done := e.done
			s.idem.mu.Unlock()
			select {
			case <-done:
			case <-r.Context().Done():
				return
			}
		}
	}
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

// cachedResponse is a remembered response, kept for 24 h per create: a flat header list and
// an exact-size body take about half the memory of a bufferedWriter (map + grown buffer).
type cachedResponse struct {
	status int
	header []string // name, value, name, value…
	body   []byte
}

func (b *bufferedWriter) compact() *cachedResponse {
	c := &cachedResponse{status: b.status, body: bytes.Clone(b.body.Bytes())}
	if c.status == 0 {
		c.status = http.StatusOK
	}
	for k, vs := range b.header {
		for _, v := range vs {
			c.header = append(c.header, k, v)
		}
	}
	return c
}

func (c *cachedResponse) copyTo(w http.ResponseWriter) {
	h := w.Header()
	for i := 0; i+1 < len(c.header); i += 2 {
		h.Add(c.header[i], c.header[i+1])
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body)
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
