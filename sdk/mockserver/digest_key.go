package mockserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Token digests are keyed: for each secret the store keeps HMAC-SHA-256(key, SHA-256(secret)),
// under a key kept outside the database (a file beside it, or given by the operator). Write
// access to the database alone then cannot mint a credential: a row holding the digest of a
// secret of the writer's choosing matches nothing the server computes. The inner SHA-256 is
// what databases held before digests were keyed, so they are upgraded in place (a stored d
// becomes HMAC(key, d)) without knowing any secret.
//
// Every path that turns a secret into a stored or compared digest goes through digestKey.of:
// creating, rotating and authenticating tokens, the bootstrap token, and any table of
// digests. A table of digests written before keys is migrated with digestKey.rekey.

// DigestKeySize is the length of the digest key in bytes.
const DigestKeySize = 32

// keyCheckLabel is what the key check value is the HMAC of. It is not 32 bytes long, so it
// is never the input of a token digest (always a 32-byte SHA-256).
const keyCheckLabel = "tokenhub digest key check v1"

// digestKey makes the keyed digests of secrets. It never shows the key (no field holds it).
type digestKey struct {
	macs  sync.Pool // of *macState under the key, reset before they go back
	check digest    // HMAC(key, keyCheckLabel): which key a database was keyed with
}

// macState is an HMAC-SHA-256 under the key with buffers of its own, so that making a digest
// allocates nothing on the authentication path.
type macState struct {
	mac    hash.Hash
	secret [64]byte // the secret being digested (a tokenhub secret is 42 bytes)
	sum    digest
}

func newDigestKey(raw []byte) (*digestKey, error) {
	if len(raw) != DigestKeySize {
		return nil, fmt.Errorf("a digest key is %d bytes, not %d", DigestKeySize, len(raw))
	}
	key := append([]byte(nil), raw...)
	k := &digestKey{}
	k.macs.New = func() any { return &macState{mac: hmac.New(sha256.New, key)} }
	m := hmac.New(sha256.New, key)
	m.Write([]byte(keyCheckLabel))
	m.Sum(k.check[:0])
	return k, nil
}

// randomDigestKey is a fresh key: the in-memory server's (its digests die with it).
func randomDigestKey() (*digestKey, error) {
	raw := make([]byte, DigestKeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("mockserver: reading random bytes: %w", err)
	}
	return newDigestKey(raw)
}

// of is the digest the store keeps of secret: HMAC(key, SHA-256(secret)).
func (k *digestKey) of(secret string) digest {
	m, _ := k.macs.Get().(*macState)
	defer k.macs.Put(m)
	if len(secret) > len(m.secret) {
		return m.keyed(sha256.Sum256([]byte(secret)))
	}
	n := copy(m.secret[:], secret)
	sha := sha256.Sum256(m.secret[:n])
	clear(m.secret[:n]) // the secret does not stay in the pool
	return m.keyed(sha)
}

// rekey turns a SHA-256 digest of a secret (as stored before digests were keyed) into the
// keyed digest of the same secret.
func (k *digestKey) rekey(sha digest) digest {
	m, _ := k.macs.Get().(*macState)
	defer k.macs.Put(m)
	return m.keyed(sha)
}

// keyed is HMAC(key, sha), leaving m ready for the next one.
func (m *macState) keyed(sha digest) digest {
	m.sum = sha
	m.mac.Write(m.sum[:])
	m.mac.Sum(m.sum[:0])
	m.mac.Reset()
	return m.sum
}

// keptSecret is all the store keeps of a secret: its keyed digest and its first characters.
type keptSecret struct {
	digest digest
	hint   string
}

func (k *digestKey) keep(secret string) keptSecret {
	return keptSecret{digest: k.of(secret), hint: hintOf(secret)}
}

// ParseDigestKey decodes a digest key as a key file or TOKENHUB_DIGEST_KEY holds it: 64 hex
// digits, or the base64 (standard or URL alphabet, padded or not) of 32 bytes. Surrounding
// white space is ignored.
func ParseDigestKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*DigestKeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil && len(b) == DigestKeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not a digest key: want %d bytes as 64 hex digits or base64 (generate one with: openssl rand -hex 32)", DigestKeySize)
}

// keyFileOf is where a database's digest key lives unless the operator gives one: beside it.
func keyFileOf(database string) string { return database + ".key" }

// readKeyFile reads a key file, refusing one that others may read or that is malformed.
func readKeyFile(path string) (*digestKey, error) {
	// Stat first: opening a FIFO put in its place would block the start.
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s: not a regular file", path)
	}
	if err := privateMode(path, fi); err != nil {
		return nil, err
	}
	buf := make([]byte, 256)
	n, _ := f.Read(buf)
	raw, err := ParseDigestKey(string(buf[:n]))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return newDigestKey(raw)
}

// createKeyFile writes a new random key to path (mode 0600, as 64 hex digits) and makes it
// durable before it returns: a database is keyed only once its key is safe on disk. It never
// replaces an existing file.
func createKeyFile(path string) (*digestKey, error) {
	raw := make([]byte, DigestKeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".new-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("cannot create key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the link below, or on failure
	_, err = tmp.WriteString(hex.EncodeToString(raw) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// A link, unlike a rename, fails if the file appeared meanwhile: a key is never replaced.
		err = os.Link(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot create key file %s: %w", path, err)
	}
	return newDigestKey(raw)
}

// givenKey names a key given by the operator rather than read from a key file.
const givenKey = "the digest key given (WithDigestKey; tokenhub-server: TOKENHUB_DIGEST_KEY)"

// databaseKey is the digest key of the database at path and where it comes from: given
// (WithDigestKey), or read from the key file beside the database, which is created for a
// database not keyed yet. A keyed database whose key file is missing is refused: a new key
// would lock every token out.
func databaseKey(path string, given []byte, keyed bool) (*digestKey, string, error) {
	if given != nil {
		k, err := newDigestKey(given)
		return k, givenKey, err
	}
	file := keyFileOf(path)
	source := "the key file " + file
	k, err := readKeyFile(file)
	switch {
	case err == nil:
		return k, source, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, "", err
	case keyed:
		return nil, "", fmt.Errorf("its token digests are keyed, but the key file %s is missing: restore it, "+
			"or give the key it was made with (WithDigestKey; tokenhub-server: TOKENHUB_DIGEST_KEY)", file)
	}
	k, err = createKeyFile(file)
	return k, source, err
}
