package mockserver

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"net/http"
	"slices"
	"strconv"
)

// Remembered responses hold secrets (create and rotate return one), and the product promises
// secrets are kept only as digests. So the server keeps them sealed under a key derived from
// the Idempotency-Key, which it does not store: only a client presenting the key again can
// have the response opened. (The SDK's keys are random UUIDs; a guessable key gives a
// guessable seal.)

const (
	idemIndexLabel = "tokenhub idempotency v1 index\x00"
	idemSealLabel  = "tokenhub idempotency v1 seal"
)

// idemIndex is where (caller, key) lives in the store: a digest, never the key itself.
func idemIndex(callerID, key string) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(idemIndexLabel))
	h.Write([]byte(callerID))
	h.Write([]byte{0})
	h.Write([]byte(key))
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// idemAEAD derives the AES-256-GCM (random nonce) sealing (caller, key)'s response.
func idemAEAD(callerID, key string) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, []byte(key), []byte(callerID), idemSealLabel, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithRandomNonce(block)
}

// sealResponse returns seal(fp | compress(status, headers, body)), bound to idx; nil if
// sealing fails (the response is then not remembered).
func sealResponse(callerID, key string, idx, fp [sha256.Size]byte, b *bufferedWriter) []byte {
	aead, err := idemAEAD(callerID, key)
	if err != nil {
		return nil
	}
	// Plain text form before compression: "201\nName: value\n…\n\nbody".
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	text := make([]byte, 0, 64+b.body.Len())
	text = strconv.AppendInt(text, int64(status), 10)
	names := make([]string, 0, len(b.header))
	for k := range b.header {
		names = append(names, k)
	}
	slices.Sort(names) // deterministic, and Content-Type first in practice
	for _, k := range names {
		for _, v := range b.header[k] {
			text = append(append(append(append(text, '\n'), k...), ": "...), v...)
		}
	}
	text = append(text, "\n\n"...)
	text = append(text, b.body.Bytes()...)

	plain := make([]byte, 0, sha256.Size+len(text)/2)
	plain = append(plain, fp[:]...)
	plain = compress(plain, text)
	return aead.Seal(nil, nil, plain, idx[:])
}

var errSealed = errors.New("mockserver: remembered response does not open")

// openResponse reverses sealResponse: the request fingerprint and the response.
func openResponse(callerID, key string, idx [sha256.Size]byte, box []byte) (fp [sha256.Size]byte, _ *bufferedWriter, _ error) {
	aead, err := idemAEAD(callerID, key)
	if err != nil {
		return fp, nil, err
	}
	plain, err := aead.Open(nil, nil, box, idx[:])
	if err != nil || len(plain) < sha256.Size {
		return fp, nil, errSealed
	}
	copy(fp[:], plain)
	text, err := decompress(plain[sha256.Size:])
	if err != nil {
		return fp, nil, err
	}
	head, body, ok := bytes.Cut(text, []byte("\n\n"))
	if !ok {
		return fp, nil, errCodec
	}
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	status, err := strconv.Atoi(string(line))
	if err != nil {
		return fp, nil, errCodec
	}
	b := newBufferedWriter()
	b.status = status
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		k, v, ok := bytes.Cut(line, []byte(": "))
		if !ok {
			return fp, nil, errCodec
		}
		b.header[string(k)] = append(b.header[string(k)], string(v))
	}
	b.body.Write(body)
	return fp, b, nil
}
