-- Version 3: token digests are keyed. tokens.digest and tokens.prev_digest hold
-- HMAC-SHA-256(key, SHA-256(secret)) under the server's digest key, which is kept outside the
-- database (digest_key.go); they held SHA-256(secret) before. The migration to this version
-- rewrites each stored digest d as HMAC(key, d) in the same transaction (keyDigests in
-- store_sqlite.go), so no secret changes. digest_key records which key: a start with another
-- key is refused instead of locking every token out.
CREATE TABLE digest_key (
	one       INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
	key_check BLOB    NOT NULL -- HMAC-SHA-256(key, "tokenhub digest key check v1"); never the key
) STRICT;
