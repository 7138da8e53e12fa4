package validate

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// MaxOverlap is the longest rotation overlap: how long a rotated token's previous secret
// may keep working.
const MaxOverlap = 720 * time.Hour

// goDuration is the form of a non-negative Go duration (time.ParseDuration's grammar without
// a minus sign): "0", or numbers with units, such as "1h30m" or "1.5h". openapi.yaml's
// pattern for overlap is this one, anchored and optional.
var goDuration = regexp.MustCompile(`^\+?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`)

// Overlap reads a rotation's overlap: empty for none, else a Go duration ("1h", "30m") of at
// most MaxOverlap. A minus sign is refused even on a zero ("-0s"): an overlap is never
// negative. A duration too large for time.Duration is over the limit, not malformed.
func Overlap(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) > 0 && s[0] == '-' {
		return 0, errors.New("must not be negative")
	}
	if !goDuration.MatchString(s) {
		return 0, errors.New(`must be a Go duration such as "1h" or "30m"`)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d > MaxOverlap {
		return 0, fmt.Errorf("must be at most %s", overlapLimit)
	}
	return d, nil
}

// overlapLimit is MaxOverlap as the contract writes it ("720h", not "720h0m0s").
const overlapLimit = "720h"
