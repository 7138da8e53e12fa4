-- A database written by the previous release's tokenhub-server (schema version 2: SHA-256
-- digests), dumped as SQL. Made by running that server with -db and TOKENHUB_BOOTSTRAP_TOKEN,
-- creating the member ci-bot, its token ci, and the token rotating (rotated with a 720h overlap)
-- through the API, then dumping every table. digest_key_test.go holds the secrets.
CREATE TABLE schema_version (
				one     INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
				version INTEGER NOT NULL
			) STRICT;
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
	prev_until   TEXT, shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)), owner_off_at TEXT,                         -- ...which works until then
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
CREATE TABLE imports (
	sha256      BLOB    NOT NULL PRIMARY KEY, -- of the file's bytes
	path        TEXT    NOT NULL,
	imported_at TEXT    NOT NULL,
	tokens      INTEGER NOT NULL
) STRICT;
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
INSERT INTO schema_version (one, version) VALUES (1, 2);
INSERT INTO tokens (seq, id, name, owner, admin, bootstrap, enabled, scopes, allowed_ips, expires_at, disabled_at, created_at, updated_at, last_used_at, token_hint, digest, prev_digest, prev_until, shared, owner_off_at) VALUES (1, '01a25082-1ade-774f-833f-44912f934bd7', 'bootstrap', '01a25082-1ade-7736-b504-b89b3c72e48b', 1, 1, 1, '["members.create","members.read","members.read-all","members.update","members.delete","members.disconnect","groups.create","groups.read","groups.read-all","groups.update","groups.delete","systems.create","systems.read","systems.read-all","systems.update","systems.delete","system-groups.create","system-groups.read","system-groups.read-all","system-groups.update","system-groups.delete","access-cards.create","access-cards.read","access-card.read-all","access-cards.update","access-cards.delete","member-group-relation.add","member-group-relation.delete","member-ac-relation.add","member-ac-relation.delete","group-access-card-relation.add","group-access-card-relation.delete","system-system-group-relation.add","system-system-group-relation.delete","system-ac-relation.add","system-ac-relation.delete","system-group-access-card-relation.add","system-group-access-card-relation.delete","gateways.read","gateway.read-all","devices.read","devices.read-all","devices.delete","token.create","token.read","token.read-all","token.update","token.delete","gateway-log.read","system-logs.read","threat-blocker-logs.read","device-posture-check-logs.read","admin-logs.read"]', '[]', NULL, NULL, '2026-12-07T12:37:13.566232197Z', '2026-12-07T12:37:13.566232197Z', '2026-12-07T12:37:18.006363678Z', 'thk_rYJz', X'1E4FDF0DE6310E9470A5403417D3901D6AEA856EA3891CE2C333AF23E4453C04', NULL, NULL, 0, NULL);
INSERT INTO tokens (seq, id, name, owner, admin, bootstrap, enabled, scopes, allowed_ips, expires_at, disabled_at, created_at, updated_at, last_used_at, token_hint, digest, prev_digest, prev_until, shared, owner_off_at) VALUES (2, '01a25082-241e-7363-afad-1252cf2b388f', 'ci', '01a25082-1c3e-7925-aaa0-0dc0a62de2a9', 0, 0, 1, '["members.read","token.read"]', '[]', NULL, NULL, '2026-12-07T12:37:15.934209416Z', '2026-12-07T12:37:15.934209416Z', NULL, 'thk_5MKu', X'DD90160312F1193B3D91527D056B0FD067578760D14D01548F94CD997E3EB9B7', NULL, NULL, 0, NULL);
INSERT INTO tokens (seq, id, name, owner, admin, bootstrap, enabled, scopes, allowed_ips, expires_at, disabled_at, created_at, updated_at, last_used_at, token_hint, digest, prev_digest, prev_until, shared, owner_off_at) VALUES (3, '01a25082-2474-7823-94f3-bc6f5d751352', 'rotating', '01a25082-1ade-7736-b504-b89b3c72e48b', 0, 0, 1, '["token.read"]', '["127.0.0.0/8"]', NULL, NULL, '2026-12-07T12:37:16.020518294Z', '2026-12-07T12:37:18.00651671Z', NULL, 'thk_AOPm', X'0B592434B9DC83BDC2C00B0AE3760812801C34CF9048F38B2A9617017D12FFEF', X'57F654B6D4FCDA2638701911D28C4803764FA1426F530275742D8EA7374BB22F', '2027-01-06T12:37:18.00651671Z', 0, NULL);
INSERT INTO members (seq, id, username, role, permissions, enabled, builtin, disabled_at, created_at, updated_at) VALUES (1, '01a25082-1ade-7736-b504-b89b3c72e48b', 'admin', 'admin', '["members.create","members.read","members.read-all","members.update","members.delete","members.disconnect","groups.create","groups.read","groups.read-all","groups.update","groups.delete","systems.create","systems.read","systems.read-all","systems.update","systems.delete","system-groups.create","system-groups.read","system-groups.read-all","system-groups.update","system-groups.delete","access-cards.create","access-cards.read","access-card.read-all","access-cards.update","access-cards.delete","member-group-relation.add","member-group-relation.delete","member-ac-relation.add","member-ac-relation.delete","group-access-card-relation.add","group-access-card-relation.delete","system-system-group-relation.add","system-system-group-relation.delete","system-ac-relation.add","system-ac-relation.delete","system-group-access-card-relation.add","system-group-access-card-relation.delete","gateways.read","gateway.read-all","devices.read","devices.read-all","devices.delete","token.create","token.read","token.read-all","token.update","token.delete","gateway-log.read","system-logs.read","threat-blocker-logs.read","device-posture-check-logs.read","admin-logs.read"]', 1, 1, NULL, '2026-12-07T12:37:13.566232197Z', '2026-12-07T12:37:13.566232197Z');
INSERT INTO members (seq, id, username, role, permissions, enabled, builtin, disabled_at, created_at, updated_at) VALUES (2, '01a25082-1c3e-7925-aaa0-0dc0a62de2a9', 'ci-bot', 'member', '["members.read","token.create","token.read"]', 1, 0, NULL, '2026-12-07T12:37:13.918586428Z', '2026-12-07T12:37:13.918586428Z');
