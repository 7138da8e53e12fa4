package mockserver

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// store keeps the tokens and the idempotency records. Its methods own their locking and
// transactions: handlers never lock. Reads see committed writes only. Every write is one
// transaction: on success it is saved (for the SQLite store: committed to disk) before the
// method returns; on error nothing changed, in memory or on disk.
//
// Two implementations pass one test suite (store_suite_test.go): the in-memory store
// (newMemStore; NewTestServer and the acceptance tests) and the SQLite store
// (openSQLiteStore; the runnable server).
//
// A member change and its cascade to the member's tokens (narrowed, stopped or revoked) is
// one Write whose fn puts the member and each of its tokens, so all of it commits, or none.
type store interface {
	// Get returns a copy of the token with this id.
	Get(id uuid.UUID) (*tokenRec, bool)
	// List calls fn with each token after c (from the first when c is nil), in listing
	// order, until fn returns false. t is the store's own record: read it, do not keep it.
	List(c *cursor, fn func(t *tokenRec) bool)
	// ListMatching is List over the tokens f matches only.
	ListMatching(c *cursor, f *tokenFilter, fn func(t *tokenRec) bool)
	// Count returns the number of stored tokens.
	Count() int
	// Authenticate runs check on the token holding d (its current or overlapping previous
	// secret); when check returns nil it records now as the token's last use. It returns
	// errNoToken when no token holds d.
	Authenticate(d digest, now time.Time, check func(t *tokenRec, owner *memberRec) error) error
	// Member returns a copy of member id; MemberByName by username.
	Member(id uuid.UUID) (*memberRec, bool)
	MemberByName(username string) (*memberRec, bool)
	// Members calls fn with each member after seq (0: from the first), in listing order,
	// until fn returns false. m is the store's own record: read it, do not keep it.
	Members(afterSeq uint64, fn func(m *memberRec) bool)
	// Remembered returns the sealed response stored for an idempotency index, if it has not
	// expired at now. An error means a response is remembered but cannot be read now.
	Remembered(idx [sha256.Size]byte, now time.Time) ([]byte, bool, error)

	// Create stores a new token (given its Seq), with idem's response in the same transaction.
	Create(t *tokenRec, idem *idemRecord) error
	// Update runs change on a copy of token id and saves the copy if change reports a
	// change, with idem's response for it in the same transaction. An error from change (or
	// errNoToken) aborts the write. It returns the token as saved.
	Update(id uuid.UUID, idem *idemRecord, change func(t *tokenRec) (bool, error)) (*tokenRec, error)
	// Rotate gives token id the secret after check accepts the token as it is, like Update.
	Rotate(id uuid.UUID, secret keptSecret, now time.Time, overlap time.Duration, idem *idemRecord,
		check func(t *tokenRec) error) (*tokenRec, error)
	// Revoke deletes token id after check accepts it.
	Revoke(id uuid.UUID, check func(t *tokenRec) error) error
	// Remember stores a sealed response on its own (for a 2xx that wrote nothing).
	Remember(rec idemDone, idx [sha256.Size]byte) error
	// Sweep deletes tokens disabled for maxAge or longer, forgets previous secrets whose
	// overlap ended and idempotency records that expired, all at now. It returns the ids of
	// the deleted tokens.
	Sweep(now time.Time, maxAge time.Duration) ([]uuid.UUID, error)
	// Write runs fn as one transaction: every change fn makes through tx is saved, or none.
	// The methods above are built on it; a write that changes several records at once (a
	// member and each of their tokens) is one call.
	Write(fn func(tx *txn) error) error
	// Flush saves the last-use times recorded since the last flush. They are bookkeeping,
	// not acknowledged writes: the janitor flushes them every minute, and Close does.
	Flush() error
	Close() error
}

var errNoToken = errors.New("mockserver: no such token")

// unavailableError is a write that could not be saved: the server answers 503 and nothing
// changed.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return "mockserver: saving failed: " + e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

// refusal carries a problem out of a store callback: the write is aborted and the handler
// answers with the problem.
type refusal struct{ p *problem }

func (r refusal) Error() string { return "refused: " + r.p.kind }

func refuse(p *problem) error { return refusal{p} }

// idemRecord asks a write to store its response for an Idempotency-Key in the same
// transaction, so a client retrying after a crash gets the replay, never a second token.
type idemRecord struct {
	idx     [sha256.Size]byte
	expires time.Time
	// seal returns the sealed response for the write's result.
	seal  func(t *tokenRec) ([]byte, error)
	saved bool // set once the response is stored with the write
}

// idemDone is one remembered response: box = seal(fingerprint | compress(response)).
type idemDone struct {
	expires int64 // UnixNano
	box     []byte
}

// change is one effect of a write, saved in its transaction and applied to memory after
// the commit.
type change struct {
	kind    changeKind
	tok     *tokenRec // put: the new record (the write's own, never a stored one); touch
	id      uuid.UUID // del
	idem    idemDone  // remember
	idemIdx [sha256.Size]byte
	at      time.Time  // purge: forget responses expired at this time
	mem     *memberRec // memberPut: the new record (the write's own)
	dig     digest     // issue
}

type changeKind uint8

const (
	changePut       changeKind = iota + 1 // insert or replace a token
	changeDel                             // delete a token
	changeTouch                           // save a token's last-use time (memory has it already)
	changeRemember                        // store a sealed idempotent response
	changePurge                           // forget expired idempotent responses
	changeMemberPut                       // insert or replace a member
	changeMemberDel                       // delete a member (id)
	changeIssue                           // record a secret digest as issued, forever (store_issued.go)
)

// txn is one write's view of the store: it reads the committed tables plus the changes of
// the writes before it in the same batch, and collects its own changes.
type txn struct {
	b       *batch
	changes []change
	seq     uint64 // the batch's seq before this write, to undo a failed write's claims
}

// get returns a copy of token id as this write sees it, or nil.
func (tx *txn) get(id uuid.UUID) *tokenRec {
	for i := len(tx.changes) - 1; i >= 0; i-- {
		switch c := tx.changes[i]; {
		case c.kind == changePut && c.tok.id == id:
			return c.tok.clone()
		case c.kind == changeDel && c.id == id:
			return nil
		}
	}
	if t, ok := tx.b.overlay[id]; ok {
		if t == nil {
			return nil
		}
		return t.clone()
	}
	return tx.b.st.live(id)
}

// put saves t (a record this write owns) as token t.id.
func (tx *txn) put(t *tokenRec) { tx.changes = append(tx.changes, change{kind: changePut, tok: t}) }

// del deletes token id.
func (tx *txn) del(id uuid.UUID) { tx.changes = append(tx.changes, change{kind: changeDel, id: id}) }

// nextSeq hands out the next creation sequence number.
func (tx *txn) nextSeq() uint64 {
	tx.b.seq++
	return tx.b.seq
}

// remember stores rec's response for t in this transaction.
func (tx *txn) remember(rec *idemRecord, t *tokenRec) error {
	if rec == nil {
		return nil
	}
	box, err := rec.seal(t)
	if err != nil {
		return err
	}
	tx.changes = append(tx.changes, change{kind: changeRemember,
		idem: idemDone{expires: rec.expires.UnixNano(), box: box}, idemIdx: rec.idx})
	rec.saved = true
	return nil
}

// batch is the writes committed together in one transaction (one, for the in-memory store;
// as many as arrive during the previous commit, for the SQLite store: group commit).
type batch struct {
	st      *memStore
	overlay map[uuid.UUID]*tokenRec  // tokens changed by earlier writes of the batch; nil = deleted
	members map[uuid.UUID]*memberRec // members changed by earlier writes of the batch; nil = deleted
	issued  map[digest]struct{}      // secret digests the batch's writes issue (store_issued.go)
	changes []change
	seq     uint64
}

// run adds fn's write to the batch, or leaves the batch as it was when fn fails. It reports
// whether the write changed anything.
func (b *batch) run(fn func(tx *txn) error) (bool, error) {
	tx := &txn{b: b, seq: b.seq}
	if err := fn(tx); err != nil {
		b.seq = tx.seq
		return false, err
	}
	var issued []change
	for _, c := range tx.changes {
		switch c.kind {
		case changePut:
			issued = append(issued, b.issue(c.tok)...)
			b.overlay[c.tok.id] = c.tok
		case changeDel:
			b.overlay[c.id] = nil
		case changeMemberPut:
			b.members[c.mem.id] = c.mem
		case changeMemberDel:
			b.members[c.id] = nil
		}
	}
	b.changes = append(append(b.changes, tx.changes...), issued...)
	return len(tx.changes) > 0, nil
}

// openStore opens the store the configuration asks for and returns it with its digest key:
// in memory (the key given, or a random one), or the SQLite database (importing an old state
// file into it first, if asked; the key given, or its key file's).
func openStore(cfg config) (store, *digestKey, error) {
	if cfg.database == "" {
		if cfg.stateFile != "" {
			return nil, nil, fmt.Errorf("mockserver: state file %s: the state file is now imported into a database; give one with WithDatabase (tokenhub-server -db)", cfg.stateFile)
		}
		key, err := randomDigestKey()
		if cfg.digestKey != nil {
			key, err = newDigestKey(cfg.digestKey)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("mockserver: %w", err)
		}
		return newMemStore(), key, nil
	}
	st, imported, err := openSQLiteStore(cfg.database, sqliteOpen{stateFile: cfg.stateFile, adminLabel: cfg.adminOwner, key: cfg.digestKey})
	if err != nil {
		return nil, nil, err
	}
	if imported > 0 && cfg.logger != nil {
		cfg.logger.Info("imported the state file into the database", "state", cfg.stateFile,
			"database", cfg.database, "tokens", imported)
	}
	return st, st.key, nil
}
