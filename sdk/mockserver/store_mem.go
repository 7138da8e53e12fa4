package mockserver

import (
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
)

// memStore is the in-memory store, and the read side of the SQLite store: the tables every
// read uses, and the write path (batch → save → apply) both share. With save unset it keeps
// everything in memory only.
type memStore struct {
	mu       sync.RWMutex // guards tb, idem, idemPeak and dirty; held only briefly, never across a save
	tb       tables
	idem     map[[sha256.Size]byte]idemDone // remembered responses, by idemIndex
	idemPeak int                            // largest len(idem) since the map was rebuilt
	dirty    map[uuid.UUID]struct{}         // tokens whose last use is not saved yet (when save is set)
	// issued holds every secret digest ever issued (store_issued.go), unless issuedLookup
	// reads them from elsewhere (the SQLite store's table).
	issued       map[digest]struct{}
	issuedLookup func(d digest) (bool, error)

	// boxesElsewhere: the sealed responses live in the database only (the SQLite store);
	// idem keeps each one's index and expiry, so a lookup that finds nothing stays in memory.
	boxesElsewhere bool

	wmu sync.Mutex // one batch at a time, so each write sees the writes before it
	// save makes a batch's changes durable in one transaction; nil keeps them in memory only.
	save func(changes []change) error
	// With group commit (the SQLite store), writes queue here and one goroutine commits
	// whatever is waiting as one batch.
	queue   chan writeReq
	stopped chan struct{}
}

type writeReq struct {
	fn   func(tx *txn) error
	done chan error
}

func newMemStore() *memStore {
	return &memStore{tb: newTables(), idem: map[[sha256.Size]byte]idemDone{}, dirty: map[uuid.UUID]struct{}{},
		issued: map[digest]struct{}{}}
}

var errClosed = errors.New("mockserver: the store is closed")

// live returns a copy of the committed token id, or nil.
func (m *memStore) live(id uuid.UUID) *tokenRec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if t := m.tb.tokens[id]; t != nil {
		return t.clone()
	}
	return nil
}

func (m *memStore) Get(id uuid.UUID) (*tokenRec, bool) {
	t := m.live(id)
	return t, t != nil
}

func (m *memStore) List(c *cursor, fn func(t *tokenRec) bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, t := range m.tb.from(c) {
		if !fn(t) {
			return
		}
	}
}

func (m *memStore) ListMatching(c *cursor, f *tokenFilter, fn func(t *tokenRec) bool) {
	m.List(c, func(t *tokenRec) bool { return !f.matches(t) || fn(t) })
}

func (m *memStore) Count() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.tb.tokens)
}

func (m *memStore) Authenticate(d digest, now time.Time, check func(t *tokenRec, owner *memberRec) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.tb.byDigest.find(d)
	if t == nil {
		return errNoToken
	}
	if err := check(t, m.tb.members.byID[t.ownerID()]); err != nil {
		return err
	}
	t.times.set(tLastUsed, now)
	if m.save != nil {
		m.dirty[t.id] = struct{}{}
	}
	return nil
}

func (m *memStore) Remembered(idx [sha256.Size]byte, now time.Time) ([]byte, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	d, ok := m.idem[idx]
	if !ok || now.UnixNano() >= d.expires {
		return nil, false, nil
	}
	return d.box, true, nil
}

func (m *memStore) Create(t *tokenRec, idem *idemRecord) error {
	return m.Write(func(tx *txn) error {
		if t.Seq == 0 {
			t.Seq = tx.nextSeq()
		}
		if tx.get(t.id) != nil {
			return errors.New("mockserver: duplicate token id")
		}
		tx.put(t.clone())
		return tx.remember(idem, t)
	})
}

func (m *memStore) Update(id uuid.UUID, idem *idemRecord, change func(t *tokenRec) (bool, error)) (*tokenRec, error) {
	var out *tokenRec
	err := m.Write(func(tx *txn) error {
		t := tx.get(id)
		if t == nil {
			return errNoToken
		}
		changed, err := change(t)
		if err != nil {
			return err
		}
		if changed {
			tx.put(t)
		}
		out = t.clone()
		return tx.remember(idem, t)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (m *memStore) Rotate(id uuid.UUID, secret keptSecret, now time.Time, overlap time.Duration, idem *idemRecord,
	check func(t *tokenRec) error,
) (*tokenRec, error) {
	return m.Update(id, idem, func(t *tokenRec) (bool, error) {
		if err := check(t); err != nil {
			return false, err
		}
		t.rotate(secret, now, overlap)
		t.setUpdatedAt(now)
		return true, nil
	})
}

func (m *memStore) Revoke(id uuid.UUID, check func(t *tokenRec) error) error {
	return m.Write(func(tx *txn) error {
		t := tx.get(id)
		if t == nil {
			return errNoToken
		}
		if err := check(t); err != nil {
			return err
		}
		tx.del(id)
		return nil
	})
}

func (m *memStore) Remember(rec idemDone, idx [sha256.Size]byte) error {
	return m.Write(func(tx *txn) error {
		tx.changes = append(tx.changes, change{kind: changeRemember, idem: rec, idemIdx: idx})
		return nil
	})
}

func (m *memStore) Sweep(now time.Time, maxAge time.Duration) ([]uuid.UUID, error) {
	var deleted []uuid.UUID
	err := m.Write(func(tx *txn) error {
		deleted = deleted[:0]
		var due []uuid.UUID
		m.mu.RLock()
		for _, t := range m.tb.order {
			if pd, until := t.prev(); disabledLongerThan(t, now, maxAge) || (pd != nil && !now.Before(until)) {
				due = append(due, t.id)
			}
		}
		m.mu.RUnlock()
		for _, id := range due {
			// Re-read through the transaction: a write earlier in the batch may have changed it.
			t := tx.get(id)
			switch {
			case t == nil:
			case disabledLongerThan(t, now, maxAge):
				tx.del(id)
				deleted = append(deleted, id)
			default:
				if pd, until := t.prev(); pd != nil && !now.Before(until) {
					t.clearPrev()
					tx.put(t)
				}
			}
		}
		m.mu.RLock()
		purge := false
		for _, d := range m.idem {
			if now.UnixNano() >= d.expires {
				purge = true
				break
			}
		}
		m.mu.RUnlock()
		if purge {
			tx.changes = append(tx.changes, change{kind: changePurge, at: now})
		}
		return nil
	})
	return deleted, err
}

func (m *memStore) Flush() error {
	if m.save == nil {
		return nil
	}
	m.mu.Lock()
	var touched []*tokenRec
	for id := range m.dirty {
		if t := m.tb.tokens[id]; t != nil {
			touched = append(touched, t.clone())
		}
	}
	clear(m.dirty)
	m.mu.Unlock()
	if len(touched) == 0 {
		return nil
	}
	err := m.Write(func(tx *txn) error {
		for _, t := range touched {
			tx.changes = append(tx.changes, change{kind: changeTouch, tok: t})
		}
		return nil
	})
	if err != nil { // try again next time
		m.mu.Lock()
		for _, t := range touched {
			m.dirty[t.id] = struct{}{}
		}
		m.mu.Unlock()
	}
	return err
}

func (m *memStore) Close() error { return nil }

// Write runs fn as one transaction: at once in memory, or through the group committer.
func (m *memStore) Write(fn func(tx *txn) error) error {
	if m.queue == nil {
		m.wmu.Lock()
		defer m.wmu.Unlock()
		return m.commit([]func(tx *txn) error{fn})[0]
	}
	req := writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case m.queue <- req:
		return <-req.done
	case <-m.stopped:
		return errClosed
	}
}

// groupCommit commits the queued writes until stop is closed: each batch is every write
// that arrived while the previous one was being saved, in one transaction, so one fsync
// serves them all. No write is acknowledged before its batch is saved.
func (m *memStore) groupCommit(stop <-chan struct{}) {
	defer close(m.stopped)
	const maxBatch = 512
	for {
		var reqs []writeReq
		select {
		case r := <-m.queue:
			reqs = append(reqs, r)
		case <-stop:
			return
		}
	drain:
		for len(reqs) < maxBatch {
			select {
			case r := <-m.queue:
				reqs = append(reqs, r)
			default:
				break drain
			}
		}
		fns := make([]func(tx *txn) error, len(reqs))
		for i, r := range reqs {
			fns[i] = r.fn
		}
		m.wmu.Lock()
		errs := m.commit(fns)
		m.wmu.Unlock()
		for i, r := range reqs {
			r.done <- errs[i]
		}
	}
}

// commit runs fns as one batch: each sees the ones before it; one that fails leaves no
// trace; the changes of the others are saved together and then applied. When the save
// fails every write that changed something fails with it. The caller holds wmu.
func (m *memStore) commit(fns []func(tx *txn) error) []error {
	m.mu.RLock()
	b := &batch{st: m, overlay: map[uuid.UUID]*tokenRec{}, members: map[uuid.UUID]*memberRec{},
		issued: map[digest]struct{}{}, seq: m.tb.seq}
	m.mu.RUnlock()
	errs := make([]error, len(fns))
	changed := make([]bool, len(fns))
	for i, fn := range fns {
		changed[i], errs[i] = b.run(fn)
	}
	if len(b.changes) == 0 {
		return errs
	}
	if m.save != nil {
		if err := m.save(b.changes); err != nil {
			for i := range errs {
				if changed[i] {
					errs[i] = &unavailableError{err}
				}
			}
			return errs
		}
	}
	m.apply(b)
	return errs
}

// apply makes a saved batch visible to readers.
func (m *memStore) apply(b *batch) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tb.seq = max(m.tb.seq, b.seq)
	for _, c := range b.changes {
		switch c.kind {
		case changePut:
			m.tb.replace(c.tok)
		case changeDel:
			m.tb.remove(c.id)
			delete(m.dirty, c.id)
		case changeRemember:
			d := c.idem
			if m.boxesElsewhere {
				d.box = nil
			}
			m.idem[c.idemIdx] = d
			m.idemPeak = max(m.idemPeak, len(m.idem))
		case changePurge:
			m.purgeIdem(c.at)
		case changeMemberPut:
			m.tb.members.put(c.mem)
		case changeMemberDel:
			m.tb.members.remove(c.id)
		case changeIssue:
			if m.issuedLookup == nil {
				m.issued[c.dig] = struct{}{}
			}
		}
	}
}

// purgeIdem forgets responses older than 24 h. Go maps never shrink, so once most entries
// are gone the map is rebuilt at its live size to give the memory back. The caller holds mu.
func (m *memStore) purgeIdem(now time.Time) {
	t := now.UnixNano()
	for k, d := range m.idem {
		if t >= d.expires {
			delete(m.idem, k)
		}
	}
	if m.idemPeak >= 1024 && len(m.idem) <= m.idemPeak/4 {
		fresh := make(map[[sha256.Size]byte]idemDone, len(m.idem))
		for k, d := range m.idem {
			fresh[k] = d
		}
		m.idem, m.idemPeak = fresh, len(fresh)
	}
}
