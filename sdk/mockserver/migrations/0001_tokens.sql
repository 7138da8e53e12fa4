-- Version 1: tokens and remembered idempotent responses. Secrets are never stored: only the
-- SHA-256 digests of the current and (during a rotation overlap) previous secret.
-- New rows append (seq is the rowid), so a write touches few pages however many tokens there
-- are; the lookups by id and digest are small indexes.
CREATE TABLE tokens (
	seq          INTEGER NOT NULL PRIMARY KEY, -- creation order: the listing order
	id           TEXT    NOT NULL UNIQUE,      -- canonical UUID
	name         TEXT    NOT NULL,
	owner        TEXT    NOT NULL,
	admin        INTEGER NOT NULL,             -- 0 or 1
	bootstrap    INTEGER NOT NULL,             -- 0 or 1: the token the server was started with
	enabled      INTEGER NOT NULL,             -- 0 or 1
	scopes       TEXT    NOT NULL,             -- JSON array of catalogue names
	allowed_ips  TEXT    NOT NULL,             -- JSON array, as sent; [] = any
	expires_at   TEXT,                         -- RFC 3339 UTC (nanoseconds); NULL = never
	disabled_at  TEXT,
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL,
	last_used_at TEXT,
	token_hint   TEXT    NOT NULL,
	digest       BLOB    NOT NULL UNIQUE,      -- SHA-256 of the secret
	prev_digest  BLOB,                         -- SHA-256 of the previous secret...
	prev_until   TEXT,                         -- ...which works until then
	CHECK ((prev_digest IS NULL) = (prev_until IS NULL))
) STRICT;
CREATE INDEX tokens_owner ON tokens (owner, seq);
CREATE UNIQUE INDEX tokens_prev_digest ON tokens (prev_digest) WHERE prev_digest IS NOT NULL;

CREATE TABLE idempotency (
	n          INTEGER NOT NULL PRIMARY KEY, -- insertion order (rows append)
	idx        BLOB    NOT NULL UNIQUE,      -- SHA-256 of (calling token id, Idempotency-Key); never the key
	expires_at INTEGER NOT NULL,             -- Unix nanoseconds
	box        BLOB    NOT NULL              -- the response, sealed under a key derived from the Idempotency-Key
) STRICT;
CREATE INDEX idempotency_expires ON idempotency (expires_at);

-- State files of earlier releases imported into this database (see WithStateFile).
CREATE TABLE imports (
	sha256      BLOB    NOT NULL PRIMARY KEY, -- of the file's bytes
	path        TEXT    NOT NULL,
	imported_at TEXT    NOT NULL,
	tokens      INTEGER NOT NULL
) STRICT;
