package main

import (
	"flag"
	"fmt"
)

// usageText is what -h prints around the flag list. Keep README's "The reference server"
// section saying the same.
const (
	usageHead = `Usage: tokenhub-server [flags]

tokenhub-server runs tokenhub's reference server: the whole API of openapi.yaml on
one port, with an interactive explorer at /api-docs.

Storage:
  -db FILE      keep tokens in the SQLite database FILE (created with mode 0600).
                It holds keyed digests (HMAC-SHA-256) of the secrets, never a
                secret; the key is kept outside it, in FILE.key (created with
                mode 0600 at first start; the server refuses to start if the file
                is readable by others or malformed) or in TOKENHUB_DIGEST_KEY.
                Back the key up with the database: without it no token works.
                A database of an earlier release is upgraded at start, its
                secrets unchanged.
  -state FILE   the JSON state file of an earlier release: imported once into the
                database, then no longer used. A file with more than one
                bootstrap token, or one not owned by the built-in admin, is
                refused.
  With neither, tokens live in memory and are gone when the server stops.

Failed authentications (a missing, malformed, unknown, revoked, expired or
disabled token) are limited per client address, before the token is looked up:
-auth-failure-burst at once, then -auth-failure-rate per second; past that the
address gets 429 with Retry-After. The client address is the TCP peer (an IPv6
/64 counts as one); X-Forwarded-For is not trusted, so behind a proxy all
clients share the proxy's address.

Secrets: the server makes each token's secret and shows it once, unless the client
sends its own as token on create or rotate (thk_ format, checksum verified, never a
secret any token has had; the server keeps its digest and does not send it back).
-caller-secrets=false refuses such requests.

Flags:
`
	usageTail = `
Environment:
  TOKENHUB_BOOTSTRAP_TOKEN
        The admin (bootstrap) token, which holds every scope. Its format is
        thk_ + 32 base62 characters (0-9, A-Z, a-z) + a 6-character base62
        checksum (CRC-32 of the 32), 42 characters in all; anything else is
        refused. Without it, a token is generated at first start and printed
        once to stderr; with a database it is kept there (as a digest) for the
        next start.
  TOKENHUB_DIGEST_KEY
        The key of the token digests in the -db database, instead of FILE.key:
        32 bytes as 64 hex digits or base64 (openssl rand -hex 32). A database
        keyed with another key is refused at start.

Limits: request headers 32 KiB, arriving within 10 s; the whole request within
30 s; bodies 64 KiB of application/json; idle connections close after 60 s.

Exit status: 0 after a clean shutdown (SIGINT, SIGTERM) or -h; 1 on any error.
`
)

func printUsage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprint(out, usageHead)
	fs.PrintDefaults()
	fmt.Fprint(out, usageTail)
}
