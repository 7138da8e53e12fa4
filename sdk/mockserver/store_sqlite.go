package mockserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver ("sqlite")

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// The schema, one file per version (0001_….sql, 0002_….sql, …), applied in order at open,
// each in its own transaction with the new version number. A database with a version newer
// than the last file here was written by a newer server and is refused untouched.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// sqliteStore is the durable store: the in-memory tables for reads (memStore), with every
// write committed to a SQLite database (WAL, synchronous=FULL) before it is applied in memory
// and acknowledged. Concurrent writes share commits (group commit). One server owns a
// database file at a time.
type sqliteStore struct {
	*memStore
	path  string
	key   *digestKey // the database's digest key (digest_key.go)...
	keyAt string     // ...and where it comes from, for errors
	db    *sql.DB
	stop  chan struct{}
	stmts map[changeKind]*sql.Stmt
	// issuedQuery looks a digest up in issued_digests (memStore.everIssued).
	issuedQuery *sql.Stmt

	unlock    func() // releases the database's lock file
	closeOnce sync.Once
	closeErr  error
}

// sqliteOpen is what opening a database takes beyond its path.
type sqliteOpen struct {
	stateFile  string // an old state file to import into a new database, if any
	adminLabel string // the owner label of the built-in admin in old state files ("admin" if empty)
	key        []byte // the digest key; nil: the key file beside the database
}

// openSQLiteStore opens (creating it, mode 0600, if missing) the database at path, migrates
// it to the current schema version and loads it strictly: anything it cannot vouch for
// (an unknown schema version, a duplicate id or digest, an invalid scope, IP or name, a
// digest key other than the one it was keyed with) is an error naming the path and the
// token, with the file left as it was.
func openSQLiteStore(path string, opt sqliteOpen) (st *sqliteStore, imported int, err error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, 0, fmt.Errorf("mockserver: database path %q: must be a file name without ? or #", path)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("mockserver: database %s: %s", path, fmt.Sprintf(format, args...))
	}
	// SQLite creates the file with the umask's mode; tokens' digests are not for every user.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		_ = f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, 0, fail("cannot create: %v", err)
	}
	if err := looksLikeSQLite(path); err != nil {
		return nil, 0, fail("%v", err)
	}
	unlock, err := lockDatabase(path)
	if err != nil {
		return nil, 0, fail("%v", err)
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	// synchronous=FULL: a commit is on disk (the WAL fsynced) before it returns. A page cache
	// of 8 MB (default 2 MB) and a checkpoint every 4096 pages (default 1000) keep the cost of
	// a write flat as the tables outgrow the cache, within the server's memory budget.
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(FULL)&_pragma=cache_size(-8192)&_pragma=wal_autocheckpoint(4096)&_txlock=immediate")
	if err != nil {
		return nil, 0, fail("cannot open: %v", err)
	}
	db.SetMaxOpenConns(1) // reads are served from memory; one connection writes
	st = &sqliteStore{memStore: newMemStore(), path: path, db: db, stop: make(chan struct{}), unlock: unlock}
	st.boxesElsewhere = true // Remembered reads them from the database
	if imported, err = st.prepare(opt); err != nil {
		_ = db.Close()
		if strings.HasPrefix(err.Error(), "mockserver: ") {
			return nil, 0, err
		}
		return nil, 0, fail("%v", err)
	}
	st.save = st.saveBatch
	st.queue = make(chan writeReq)
	st.stopped = make(chan struct{})
	go st.groupCommit(st.stop)
	return st, imported, nil
}

// looksLikeSQLite refuses anything but an empty file or a SQLite database: SQLite would
// overwrite a short file of something else.
func looksLikeSQLite(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	const magic = "SQLite format 3\x00"
	head := make([]byte, len(magic))
	n, _ := io.ReadFull(f, head)
	if n > 0 && string(head[:n]) != magic {
		return errors.New("not a SQLite database (left as it is)")
	}
	return nil
}

func (st *sqliteStore) prepare(opt sqliteOpen) (imported int, err error) {
	var mode string
	if err := st.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return 0, fmt.Errorf("cannot open: %w", err)
	}
	if mode != "wal" {
		return 0, fmt.Errorf("cannot use write-ahead logging (journal mode %q)", mode)
	}
	version, last, err := st.schemaVersion()
	if err != nil {
		return 0, err
	}
	if st.key, st.keyAt, err = databaseKey(st.path, opt.key, version >= keyedVersion); err != nil {
		return 0, fmt.Errorf("digest key: %w", err)
	}
	if err := st.migrate(version, last); err != nil {
		return 0, err
	}
	if err := st.checkKey(); err != nil {
		return 0, err
	}
	// Refuse to start rather than to fail every write: try one, and roll it back.
	if err := st.probeWritable(); err != nil {
		return 0, fmt.Errorf("cannot write: %w", err)
	}
	if opt.stateFile != "" {
		label := opt.adminLabel
		if label == "" {
			label = "admin"
		}
		if imported, err = st.importState(opt.stateFile, label); err != nil {
			return 0, err
		}
	}
	if err := st.load(); err != nil {
		return 0, err
	}
	st.stmts = map[changeKind]*sql.Stmt{}
	for kind, q := range map[changeKind]string{
		changePut:       upsertTokenSQL,
		changeDel:       `DELETE FROM tokens WHERE id = ?`,
		changeTouch:     `UPDATE tokens SET last_used_at = ? WHERE id = ?`,
		changeRemember:  `INSERT OR REPLACE INTO idempotency (idx, expires_at, box) VALUES (?, ?, ?)`,
		changePurge:     `DELETE FROM idempotency WHERE expires_at <= ?`,
		changeMemberPut: upsertMemberSQL,
		changeMemberDel: `DELETE FROM members WHERE id = ?`,
		changeIssue:     `INSERT OR IGNORE INTO issued_digests (digest) VALUES (?)`,
	} {
		s, err := st.db.Prepare(q)
		if err != nil {
			return 0, err
		}
		st.stmts[kind] = s
	}
	if st.issuedQuery, err = st.db.Prepare(`SELECT count(*) FROM issued_digests WHERE digest = ?`); err != nil {
		return 0, err
	}
	st.issuedLookup = st.everIssuedRow
	return imported, nil
}

// everIssuedRow reads issued_digests for d. Writes run one batch at a time on the one
// connection (group commit), so it sees every committed write; the batch's own are checked
// first (txn.claimSecret), and none commits between this read and its batch.
func (st *sqliteStore) everIssuedRow(d digest) (bool, error) {
	var n int
	if err := st.issuedQuery.QueryRow(d[:]).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

func (st *sqliteStore) probeWritable() error {
	tx, err := st.db.Begin()
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	_, err = tx.Exec(`UPDATE schema_version SET version = version`)
	return err
}

// migrations returns the schema files in order; each must be the next version.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	out := make([]string, len(names))
	for i, n := range names { // Glob sorts: 0001_…, 0002_…
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if want := fmt.Sprintf("migrations/%04d_", i+1); !strings.HasPrefix(n, want) {
			return nil, fmt.Errorf("migration %s out of sequence (want %s…)", n, want)
		}
		out[i] = string(b)
	}
	return out, nil
}

// keyedVersion is the first schema version whose token digests are keyed.
const keyedVersion = 3

// migrationSteps are the steps of a migration that SQL alone cannot take, run in its
// transaction after its file.
var migrationSteps = map[int]func(tx *sql.Tx, key *digestKey) error{
	keyedVersion: keyDigests,
}

// schemaVersion reads the database's schema version (0 for a new file) and checks that this
// server knows it; last is the newest version it knows.
func (st *sqliteStore) schemaVersion() (version, last int, err error) {
	steps, err := migrations()
	if err != nil {
		return 0, 0, err
	}
	var tables, hasVersion int
	if err := st.db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE name = 'schema_version')
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &hasVersion); err != nil {
		return 0, 0, fmt.Errorf("cannot read: %w", err)
	}
	switch {
	case hasVersion == 1:
		var rows int
		if err := st.db.QueryRow(`SELECT count(*), coalesce(max(version), 0) FROM schema_version`).Scan(&rows, &version); err != nil {
			return 0, 0, fmt.Errorf("reading schema_version: %w", err)
		}
		if rows != 1 {
			return 0, 0, fmt.Errorf("schema_version holds %d rows, want 1", rows)
		}
	case tables > 0:
		return 0, 0, errors.New("not a tokenhub database (it has tables but no schema_version)")
	}
	if version < 0 || version > len(steps) {
		return 0, 0, fmt.Errorf("schema version %d is not one this server knows (1 to %d): it was written by a newer tokenhub-server", version, len(steps))
	}
	return version, len(steps), nil
}

// migrate brings the schema from version to last, one transaction per version.
func (st *sqliteStore) migrate(version, last int) error {
	steps, err := migrations()
	if err != nil {
		return err
	}
	for v := version + 1; v <= last; v++ {
		tx, err := st.db.Begin()
		if err != nil {
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
		if v == 1 {
			_, err = tx.Exec(`CREATE TABLE schema_version (
				one     INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
				version INTEGER NOT NULL
			) STRICT; INSERT INTO schema_version (one, version) VALUES (1, 0)`)
		}
		if err == nil {
			_, err = tx.Exec(steps[v-1])
		}
		if step := migrationSteps[v]; err == nil && step != nil {
			err = step(tx, st.key)
		}
		if err == nil {
			_, err = tx.Exec(`UPDATE schema_version SET version = ?`, v)
		}
		if err == nil {
			err = tx.Commit()
		}
		if err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrating to version %d: %w", v, err)
		}
	}
	return nil
}

// keyDigests rewrites every stored SHA-256 digest d as HMAC(key, d), the keyed digest of the
// same secret, and records which key (the migration to keyedVersion).
func keyDigests(tx *sql.Tx, key *digestKey) error {
	type row struct {
		seq        int64
		id         string
		dig, prevD []byte
	}
	rows, err := tx.Query(`SELECT seq, id, digest, prev_digest FROM tokens`)
	if err != nil {
		return err
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.seq, &r.id, &r.dig, &r.prevD); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	keyed := func(id, column string, b []byte) ([]byte, error) {
		var d digest
		if len(b) != len(d) {
			return nil, fmt.Errorf("token %s: %s: %d bytes, want a %d-byte SHA-256", id, column, len(b), len(d))
		}
		copy(d[:], b)
		d = key.rekey(d)
		return d[:], nil
	}
	for _, r := range all {
		dig, err := keyed(r.id, "digest", r.dig)
		if err != nil {
			return err
		}
		var prev any
		if r.prevD != nil {
			if prev, err = keyed(r.id, "prev_digest", r.prevD); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`UPDATE tokens SET digest = ?, prev_digest = ? WHERE seq = ?`, dig, prev, r.seq); err != nil {
			return err
		}
	}
	_, err = tx.Exec(`INSERT INTO digest_key (one, key_check) VALUES (1, ?)`, key.check[:])
	return err
}

// checkKey refuses a key other than the one the database's digests were made with: every
// token would answer 401.
func (st *sqliteStore) checkKey() error {
	var check []byte
	if err := st.db.QueryRow(`SELECT key_check FROM digest_key`).Scan(&check); err != nil {
		return fmt.Errorf("reading digest_key: %w", err)
	}
	if !hmac.Equal(check, st.key.check[:]) {
		return fmt.Errorf("its token digests were made with another digest key than %s: give the key it was made with "+
			"(its key file %s, or WithDigestKey; tokenhub-server: TOKENHUB_DIGEST_KEY)", st.keyAt, keyFileOf(st.path))
	}
	return nil
}

const tokenColumns = `seq, id, name, owner, admin, bootstrap, enabled, scopes, allowed_ips, expires_at,
	disabled_at, created_at, updated_at, last_used_at, token_hint, digest, prev_digest, prev_until,
	shared, owner_off_at`

var upsertTokenSQL = `INSERT INTO tokens (` + tokenColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (seq) DO UPDATE SET id = excluded.id, name = excluded.name, owner = excluded.owner,
	admin = excluded.admin, bootstrap = excluded.bootstrap, enabled = excluded.enabled,
	scopes = excluded.scopes, allowed_ips = excluded.allowed_ips, expires_at = excluded.expires_at,
	disabled_at = excluded.disabled_at, created_at = excluded.created_at,
	updated_at = excluded.updated_at, last_used_at = excluded.last_used_at,
	token_hint = excluded.token_hint, digest = excluded.digest, prev_digest = excluded.prev_digest,
	prev_until = excluded.prev_until, shared = excluded.shared, owner_off_at = excluded.owner_off_at`

const memberColumns = `seq, id, username, role, permissions, enabled, builtin, disabled_at, created_at, updated_at`

var upsertMemberSQL = `INSERT INTO members (` + memberColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (seq) DO UPDATE SET id = excluded.id, username = excluded.username, role = excluded.role,
	permissions = excluded.permissions, enabled = excluded.enabled, builtin = excluded.builtin,
	disabled_at = excluded.disabled_at, created_at = excluded.created_at, updated_at = excluded.updated_at`

// memberArgs are m's column values, in memberColumns order.
func memberArgs(m *memberRec) ([]any, error) {
	perms, err := json.Marshal(m.Permissions)
	if err != nil {
		return nil, err
	}
	var disabled *time.Time
	if !m.Enabled {
		disabled = &m.DisabledAt
	}
	return []any{int64(m.Seq), m.ID(), m.Username, m.Role, string(perms), boolArg(m.Enabled), boolArg(m.Builtin),
		timeArg(disabled), timeArg(&m.CreatedAt), timeArg(&m.UpdatedAt)}, nil
}

const timeLayout = time.RFC3339Nano

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

func boolArg(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// tokenArgs are t's column values, in tokenColumns order.
func tokenArgs(t *tokenRec) ([]any, error) {
	scopes, err := json.Marshal(t.Scopes())
	if err != nil {
		return nil, err
	}
	ips, err := json.Marshal(t.AllowedIPs())
	if err != nil {
		return nil, err
	}
	created, updated := t.CreatedAt(), t.UpdatedAt()
	var prevDigest, prevUntil any
	if pd, until := t.prev(); pd != nil {
		prevDigest, prevUntil = pd[:], timeArg(&until)
	}
	return []any{
		int64(t.Seq), t.ID(), t.Name, t.Owner(), boolArg(t.Admin), boolArg(t.Bootstrap), boolArg(t.Enabled),
		string(scopes), string(ips), timeArg(t.ExpiresAt()), timeArg(t.DisabledAt()),
		timeArg(&created), timeArg(&updated), timeArg(t.LastUsedAt()), t.TokenHint(),
		t.Digest[:], prevDigest, prevUntil, boolArg(t.Shared), timeArg(t.OwnerOffAt()),
	}, nil
}

// saveBatch writes a batch's changes in one transaction and commits it (fsync).
func (st *sqliteStore) saveBatch(changes []change) error {
	tx, err := st.db.Begin()
	if err != nil {
		return err
	}
	stmts := map[changeKind]*sql.Stmt{}
	for _, c := range changes {
		stmt := stmts[c.kind]
		if stmt == nil {
			stmt = tx.Stmt(st.stmts[c.kind])
			stmts[c.kind] = stmt
		}
		switch c.kind {
		case changePut:
			var args []any
			if args, err = tokenArgs(c.tok); err == nil {
				_, err = stmt.Exec(args...)
			}
		case changeDel:
			_, err = stmt.Exec(c.id.String())
		case changeTouch:
			_, err = stmt.Exec(timeArg(c.tok.LastUsedAt()), c.tok.ID())
		case changeRemember:
			_, err = stmt.Exec(c.idemIdx[:], c.idem.expires, c.idem.box)
		case changePurge:
			_, err = stmt.Exec(c.at.UnixNano())
		case changeMemberPut:
			var args []any
			if args, err = memberArgs(c.mem); err == nil {
				_, err = stmt.Exec(args...)
			}
		case changeMemberDel:
			_, err = stmt.Exec(c.id.String())
		case changeIssue:
			_, err = stmt.Exec(c.dig[:])
		}
		if err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// load reads every token and unexpired response into memory, refusing what it cannot vouch
// for.
func (st *sqliteStore) load() error {
	rows, err := st.db.Query(`SELECT ` + tokenColumns + ` FROM tokens ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("cannot read tokens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			t                                      = &tokenRec{}
			id, name, owner, hint, scopes, ips     string
			created, updated                       string
			seq, admin, bootstrap, enabled         int64
			shared                                 int64
			expires, disabled, lastUsed, prevUntil sql.NullString
			ownerOff                               sql.NullString
			dig, prevDig                           []byte
		)
		if err := rows.Scan(&seq, &id, &name, &owner, &admin, &bootstrap, &enabled, &scopes, &ips,
			&expires, &disabled, &created, &updated, &lastUsed, &hint, &dig, &prevDig, &prevUntil,
			&shared, &ownerOff); err != nil {
			return fmt.Errorf("token %q: %w", id, err)
		}
		errf := func(format string, args ...any) error {
			return fmt.Errorf("token %s: %s", id, fmt.Sprintf(format, args...))
		}
		var ok bool
		if t.id, ok = parseTokenID(id); !ok {
			return errf("id is not a canonical UUID")
		}
		if seq <= 0 {
			return errf("seq %d: must be positive", seq)
		}
		t.Seq, t.Name = uint64(seq), name
		t.setOwner(owner)
		t.setHint(hint)
		for _, b := range []struct {
			name string
			v    int64
			dst  *bool
		}{{"admin", admin, &t.Admin}, {"bootstrap", bootstrap, &t.Bootstrap}, {"enabled", enabled, &t.Enabled},
			{"shared", shared, &t.Shared}} {
			if b.v != 0 && b.v != 1 {
				return errf("%s is %d, want 0 or 1", b.name, b.v)
			}
			*b.dst = b.v == 1
		}
		var scopeList, ipList []string
		if err := json.Unmarshal([]byte(scopes), &scopeList); err != nil {
			return errf("scopes: not a JSON array of names: %v", err)
		}
		if err := json.Unmarshal([]byte(ips), &ipList); err != nil {
			return errf("allowed_ips: not a JSON array of strings: %v", err)
		}
		if err := setStoredLists(t, scopeList, ipList); err != nil {
			return errf("%v", err)
		}
		var createdAt, updatedAt, prevUntilAt time.Time
		for _, tc := range []struct {
			name string
			v    sql.NullString
			set  func(time.Time)
		}{{"expires_at", expires, func(v time.Time) { t.setExpiresAt(&v) }},
			{"disabled_at", disabled, func(v time.Time) { t.setDisabledAt(&v) }},
			{"owner_off_at", ownerOff, func(v time.Time) { t.setOwnerOff(&v) }},
			{"last_used_at", lastUsed, func(v time.Time) { t.setLastUsedAt(&v) }},
			{"created_at", sql.NullString{String: created, Valid: true}, func(v time.Time) { createdAt = v }},
			{"updated_at", sql.NullString{String: updated, Valid: true}, func(v time.Time) { updatedAt = v }},
			{"prev_until", prevUntil, func(v time.Time) { prevUntilAt = v }}} {
			if !tc.v.Valid {
				continue
			}
			tm, err := time.Parse(timeLayout, tc.v.String)
			if err != nil {
				return errf("%s: %v", tc.name, err)
			}
			tc.set(tm)
		}
		t.setCreated(createdAt, updatedAt)
		if len(dig) != len(t.Digest) {
			return errf("digest: %d bytes, want a %d-byte keyed digest", len(dig), len(t.Digest))
		}
		copy(t.Digest[:], dig)
		if prevDig != nil {
			var pd digest
			if len(prevDig) != len(pd) || !prevUntil.Valid {
				return errf("prev_digest: want a %d-byte keyed digest with prev_until", len(pd))
			}
			copy(pd[:], prevDig)
			t.setPrev(pd, prevUntilAt)
		}
		if err := st.tb.add(t); err != nil {
			return errf("%v", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cannot read tokens: %w", err)
	}
	if err := st.loadMembers(); err != nil {
		return err
	}
	return st.loadRemembered()
}

// loadRemembered indexes the unexpired responses; their boxes stay in the database.
func (st *sqliteStore) loadRemembered() error {
	rows, err := st.db.Query(`SELECT idx, expires_at, length(box) FROM idempotency WHERE expires_at > ?`, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("cannot read idempotency records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idx []byte
		var boxLen int64
		var d idemDone
		if err := rows.Scan(&idx, &d.expires, &boxLen); err != nil {
			return fmt.Errorf("idempotency record: %w", err)
		}
		var k [32]byte
		if len(idx) != len(k) || boxLen <= 0 {
			return fmt.Errorf("idempotency record %x: malformed", idx)
		}
		copy(k[:], idx)
		st.idem[k] = d
	}
	st.idemPeak = len(st.idem)
	return rows.Err()
}

// Remembered finds the response in memory's index and reads its sealed box from the
// database: held in memory, the boxes of 100k remembered creates were a third of the
// server's live heap, for replays that only a client retrying ever asks for.
func (st *sqliteStore) Remembered(idx [sha256.Size]byte, now time.Time) ([]byte, bool, error) {
	if _, ok, _ := st.memStore.Remembered(idx, now); !ok {
		return nil, false, nil
	}
	var box []byte
	err := st.db.QueryRow(`SELECT box FROM idempotency WHERE idx = ? AND expires_at > ?`, idx[:], now.UnixNano()).Scan(&box)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil // purged since
	case err != nil:
		return nil, false, err
	case len(box) == 0:
		return nil, false, fmt.Errorf("mockserver: idempotency record %x: empty", idx)
	}
	return box, true, nil
}

// Close commits the writes under way, saves the last-use times and closes the database.
// It is safe to call more than once.
func (st *sqliteStore) Close() error {
	st.closeOnce.Do(func() {
		err := st.Flush()
		close(st.stop)
		<-st.stopped
		if cerr := st.db.Close(); err == nil {
			err = cerr
		}
		st.unlock()
		st.closeErr = err
	})
	return st.closeErr
}

// importState imports an old state file into a database holding no tokens yet, in one
// transaction, and records that it did (by the file's SHA-256), so later starts with the same
// file skip it. The file's SHA-256 digests are stored keyed. adminLabel is the built-in
// admin's owner label in the file. It reports how many tokens it imported.
func (st *sqliteStore) importState(statePath, adminLabel string) (int, error) {
	recs, data, err := readStateFile(statePath)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(data)
	tx, err := st.db.Begin()
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	var done, tokens int
	if err := tx.QueryRow(`SELECT (SELECT count(*) FROM imports WHERE sha256 = ?), (SELECT count(*) FROM tokens)`,
		sum[:]).Scan(&done, &tokens); err != nil {
		return 0, err
	}
	switch {
	case done > 0:
		return 0, nil
	case tokens > 0:
		return 0, fmt.Errorf("mockserver: database %s already holds tokens: state file %s can only be imported into a new database", st.path, statePath)
	}
	owners := []string{adminLabel}
	var builtin string
	if err := tx.QueryRow(`SELECT id FROM members WHERE builtin = 1`).Scan(&builtin); err == nil {
		owners = append(owners, builtin)
	}
	if err := checkStateBootstrap(recs, owners); err != nil {
		return 0, fmt.Errorf("mockserver: state file %s refused (nothing imported): %w", statePath, err)
	}
	for _, t := range recs {
		t.Digest = st.key.rekey(t.Digest)
		if pd, until := t.prev(); pd != nil {
			t.setPrev(st.key.rekey(*pd), until)
		}
		args, err := tokenArgs(t)
		if err == nil {
			_, err = tx.Exec(upsertTokenSQL, args...)
		}
		for _, d := range t.digests() {
			if err == nil {
				_, err = tx.Exec(`INSERT OR IGNORE INTO issued_digests (digest) VALUES (?)`, d[:])
			}
		}
		if err != nil {
			return 0, fmt.Errorf("mockserver: importing %s: token %s: %w", statePath, t.ID(), err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO imports (sha256, path, imported_at, tokens) VALUES (?, ?, ?, ?)`,
		sum[:], statePath, time.Now().UTC().Format(timeLayout), len(recs)); err != nil {
		return 0, err
	}
	return len(recs), tx.Commit()
}

var _ store = (*sqliteStore)(nil)

// loadMembers reads every member into memory, refusing what it cannot vouch for.
func (st *sqliteStore) loadMembers() error {
	rows, err := st.db.Query(`SELECT ` + memberColumns + ` FROM members ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("cannot read members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			m                       memberRec
			seq, enabled, builtin   int64
			id, perms, created, upd string
			disabled                sql.NullString
		)
		if err := rows.Scan(&seq, &id, &m.Username, &m.Role, &perms, &enabled, &builtin, &disabled, &created, &upd); err != nil {
			return fmt.Errorf("member %q: %w", id, err)
		}
		errf := func(format string, args ...any) error {
			return fmt.Errorf("member %s: %s", id, fmt.Sprintf(format, args...))
		}
		var ok bool
		if m.id, ok = parseTokenID(id); !ok {
			return errf("id is not a canonical UUID")
		}
		if seq <= 0 {
			return errf("seq %d: must be positive", seq)
		}
		m.Seq, m.Enabled, m.Builtin = uint64(seq), enabled == 1, builtin == 1
		if validate.Username(m.Username) != nil {
			return errf("username %q is not a valid username", m.Username)
		}
		if err := json.Unmarshal([]byte(perms), &m.Permissions); err != nil {
			return errf("permissions: not a JSON array of names: %v", err)
		}
		for _, p := range m.Permissions {
			if !knownScope(p) {
				return errf("permissions: %q is not a scope of the catalogue", p)
			}
		}
		for _, tc := range []struct {
			name string
			v    string
			dst  *time.Time
		}{{"created_at", created, &m.CreatedAt}, {"updated_at", upd, &m.UpdatedAt}, {"disabled_at", disabled.String, &m.DisabledAt}} {
			if tc.name == "disabled_at" && !disabled.Valid {
				continue
			}
			if *tc.dst, err = time.Parse(timeLayout, tc.v); err != nil {
				return errf("%s: %v", tc.name, err)
			}
		}
		st.tb.members.put(&m)
	}
	return rows.Err()
}
