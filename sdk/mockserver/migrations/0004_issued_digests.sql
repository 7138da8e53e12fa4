-- Version 3: every secret digest a token has ever held, so that a secret the caller brings
-- (create and rotate take one) is refused when any token had it before, even a token since
-- rotated, revoked or swept. One row per secret ever issued, read by its primary key in the
-- write that brings a secret: never loaded into memory. Seeded from the tokens' current and
-- previous digests; a digest the server or a caller issues later is added in the same
-- transaction as the token that holds it.
CREATE TABLE issued_digests (
	digest BLOB NOT NULL PRIMARY KEY -- the digest of the secret, as in tokens.digest
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO issued_digests (digest) SELECT digest FROM tokens;
INSERT OR IGNORE INTO issued_digests (digest) SELECT prev_digest FROM tokens WHERE prev_digest IS NOT NULL;
