package validate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTokenNameLen is the longest token name, in characters (runes), not bytes.
const MaxTokenNameLen = 100

// TokenName checks a token's name: 1 to 100 characters of valid UTF-8, at least one of
// them visible (a letter, number, punctuation or symbol), with no control characters and
// no bidirectional controls (U+202E and friends make a name display as something it is
// not). An unpaired UTF-16 surrogate is not valid UTF-8, so it is refused too.
//
// Every problem is reported: the error joins one error per broken rule (errors.Join), so
// a caller can list them apart.
func TokenName(name string) error {
	if !utf8.ValidString(name) {
		return errors.New("must be valid UTF-8 (an unpaired UTF-16 surrogate, such as \\ud800, is not)")
	}
	var errs []error
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		errs = append(errs, errors.New("must not be empty"))
	case n > MaxTokenNameLen:
		errs = append(errs, fmt.Errorf("must be at most %d characters (got %d)", MaxTokenNameLen, n))
	case !strings.ContainsFunc(name, visible):
		errs = append(errs, errors.New("must not be blank (only spaces or invisible characters)"))
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		errs = append(errs, errors.New("must not contain control characters"))
	}
	if i := strings.IndexFunc(name, isBidiControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(name[i:])
		errs = append(errs, fmt.Errorf("must not contain bidirectional control characters (U+%04X)", r))
	}
	return errors.Join(errs...)
}

func isBidiControl(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// visible is a letter, number, punctuation or symbol that is not one of the fillers that
// render as nothing (U+3164 HANGUL FILLER and friends): something a name can be read by.
// Marks (accents, variation selectors) only count next to one.
func visible(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) &&
		!unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// usernamePattern is the contract's username rule (openapi.yaml's Member.username).
var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// UsernameRule is the username rule in words, as Username's error states it.
const UsernameRule = "must be 1–64 characters of letters, digits, '.', '_', '-' and '@'"

// Username checks a member's username: 1 to 64 ASCII letters, digits, '.', '_', '-' or '@'.
func Username(name string) error {
	if !usernamePattern.MatchString(name) {
		return errors.New(UsernameRule)
	}
	return nil
}

// Problems splits an error of this package into one error per broken rule (TokenName joins
// them); nil gives none. Servers and plan-time checks report each on its own.
func Problems(err error) []error {
	if err == nil {
		return nil
	}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		return joined.Unwrap()
	}
	return []error{err}
}
