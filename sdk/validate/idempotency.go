package validate

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxIdempotencyKeyLen is the longest Idempotency-Key, in characters (runes), not bytes.
const MaxIdempotencyKeyLen = 255

// IdempotencyKey checks an Idempotency-Key header value: 1 to 255 characters of valid UTF-8.
// (Characters an HTTP header cannot carry, such as CR and LF, are the HTTP client's and
// server's to refuse.)
func IdempotencyKey(key string) error {
	switch n := utf8.RuneCountInString(key); {
	case key == "":
		return errors.New("must not be empty")
	case !utf8.ValidString(key):
		return errors.New("must be valid UTF-8")
	case n > MaxIdempotencyKeyLen:
		return fmt.Errorf("must be at most %d characters (got %d)", MaxIdempotencyKeyLen, n)
	}
	return nil
}
