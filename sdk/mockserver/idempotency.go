package mockserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"
)

const idempotencyTTL = 24 * time.Hour

// idemStore coordinates requests under way with the same (caller, Idempotency-Key). The
// responses themselves are remembered by the store, each written in the same transaction as
// the change it reports (see idemRecord), so a retry after a crash gets the replay. It never
// holds a secret or an Idempotency-Key in the clear: entries are indexed by a digest of
// (caller, key), and each response is sealed (AES-256-GCM) under a key derived from the
// Idempotency-Key, which only the client knows and presents again to replay.
type idemStore struct {
	mu      sync.Mutex
	pending map[[sha256.Size]byte]*idemPending // requests still running
}

type idemPending struct {
	fp   [sha256.Size]byte
	done chan struct{} // closed when the first request finishes
}

func newIdemStore() *idemStore {
	return &idemStore{pending: map[[sha256.Size]byte]*idemPending{}}
}

// idemCall is the Idempotency-Key of the request under way, for the write handler to store
// its response with its change.
type idemCall struct {
	callerID, key string
	idx, fp       [sha256.Size]byte
	rec           *idemRecord
}

type idemCtxKey struct{}

// idemRecord returns what a write handler passes to the store so that its response (written
// by visit for the write's result) is saved in the write's own transaction; nil when the
// request carries no Idempotency-Key.
func (s *Server) idemRecord(ctx context.Context, now time.Time, visit func(t *tokenRec, w http.ResponseWriter) error) *idemRecord {
	call, _ := ctx.Value(idemCtxKey{}).(*idemCall)
	if call == nil {
		return nil
	}
	call.rec = &idemRecord{idx: call.idx, expires: now.Add(idempotencyTTL), seal: func(t *tokenRec) ([]byte, error) {
		buf := newBufferedWriter()
		if err := visit(t, buf); err != nil {
			return nil, err
		}
		box := sealResponse(call.callerID, call.key, call.idx, call.fp, buf)
		if box == nil {
			return nil, errors.New("mockserver: sealing the response failed")
		}
		return box, nil
	}}
	return call.rec
}

// fingerprint identifies "the same request": method, path and the body's JSON value (so key
// order and spacing do not matter). A secret the caller sent (token) counts by its digest:
// the fingerprint is sealed into the remembered response, which must not hold the secret in
// any form the secret's own digest does not already give away.
func fingerprint(r *http.Request, raw []byte, key *digestKey) [sha256.Size]byte {
	canon := bytes.TrimSpace(raw)
	var v any
	if len(canon) > 0 && json.Unmarshal(canon, &v) == nil {
		if obj, ok := v.(map[string]any); ok {
			if secret, ok := obj["token"].(string); ok {
				d := key.of(secret)
				obj["token"] = "digest:" + hex.EncodeToString(d[:])
			}
		}
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
//
// A replay is decided at commit too: it is answered only to the caller that made the request
// (the index is per calling token), admitted again as it is now, holding op's scope and still
// allowed to make the write the response reports (readmit, lacksScope, mayReplay); otherwise it gets
// the 401/403 a new request would get, and the response stays sealed.
func (s *Server) serveIdempotent(w http.ResponseWriter, r *http.Request, c *caller, op, key string, raw []byte, next http.Handler) {
	fp := fingerprint(r, raw, s.key)
	idx := idemIndex(c.id, key)
	st := s.idem
	for {
		now := s.cfg.clock.Now()
		st.mu.Lock()
		box, ok, err := s.st.Remembered(idx, now)
		if err != nil {
			// Running the request again could repeat its change: not before the record is read.
			st.mu.Unlock()
			p := newProblem(http.StatusServiceUnavailable, "unavailable", "Service Unavailable",
				"the response remembered for this Idempotency-Key cannot be read now; retry later")
			p.retryAfter = 1
			p.write(w, r.URL.Path)
			return
		}
		if ok {
			st.mu.Unlock()
			s.replayIdempotent(w, r, op, key, idx, fp, box, now)
			return
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
		call := &idemCall{callerID: c.id, key: key, idx: idx, fp: fp}
		r := r.WithContext(context.WithValue(r.Context(), idemCtxKey{}, call))
		func() {
			defer func() {
				st.mu.Lock()
				delete(st.pending, idx)
				close(p.done)
				st.mu.Unlock()
			}()
			next.ServeHTTP(buf, r)
			if buf.status < 200 || buf.status >= 300 || (call.rec != nil && call.rec.saved) {
				return // failed (not remembered, so it can be retried) or saved with its change
			}
			// A success that changed nothing through the store: remember it on its own.
			if box := sealResponse(c.id, key, idx, fp, buf); box != nil {
				rec := idemDone{expires: now.Add(idempotencyTTL).UnixNano(), box: box}
				if err := s.st.Remember(rec, idx); err != nil {
					buf = newBufferedWriter()
					unavailable().write(buf, r.URL.Path)
				}
			}
		}()
		buf.copyTo(w)
		return
	}
}

// replayIdempotent answers a repeat of a remembered request of operation op from its sealed
// response, once the caller as it is now may have it.
func (s *Server) replayIdempotent(w http.ResponseWriter, r *http.Request, op, key string, idx, fp [sha256.Size]byte, box []byte, now time.Time) {
	c, p := s.readmit(infoFrom(r.Context()).caller, now)
	if p == nil {
		p = lacksScope(c, opScopes[op], op)
	}
	if p != nil {
		p.write(w, r.URL.Path)
		return
	}
	gotFP, resp, err := openResponse(c.id, key, idx, box)
	switch {
	case err != nil: // cannot happen: idx and the seal key come from the same (caller, key)
		newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
			"the remembered response for this Idempotency-Key cannot be read").write(w, r.URL.Path)
	case gotFP != fp:
		keyReused(w, r, key)
	default:
		if p := c.mayReplay(op, resp.body.Bytes()); p != nil {
			p.write(w, r.URL.Path)
			return
		}
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
