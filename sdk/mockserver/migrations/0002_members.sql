-- Version 2: members own tokens. A token's owner is a member id (the server moves tokens from
-- before members to members at start); shared tokens are visible to every member; a token
-- whose owner is disabled records when (owner_off_at), its own enabled untouched.
CREATE TABLE members (
	seq         INTEGER NOT NULL PRIMARY KEY, -- creation order, the listing order
	id          TEXT    NOT NULL UNIQUE,      -- canonical UUID
	username    TEXT    NOT NULL UNIQUE,
	role        TEXT    NOT NULL CHECK (role IN ('admin', 'member')),
	permissions TEXT    NOT NULL,             -- JSON array of catalogue names
	enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	builtin     INTEGER NOT NULL CHECK (builtin IN (0, 1)),
	disabled_at TEXT,                         -- RFC 3339 UTC (nanoseconds); NULL while enabled
	created_at  TEXT    NOT NULL,
	updated_at  TEXT    NOT NULL
) STRICT;

ALTER TABLE tokens ADD COLUMN shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1));
ALTER TABLE tokens ADD COLUMN owner_off_at TEXT;
