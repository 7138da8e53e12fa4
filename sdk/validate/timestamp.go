package validate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// LegacyTimeLayout is the API's legacy request form of a timestamp, always read as UTC.
const LegacyTimeLayout = "2006-01-02 15:04:05"

// errTimestamp names both accepted forms, for anything that is neither.
var errTimestamp = errors.New("must be an RFC 3339 time (such as 2027-01-31T00:00:00Z) or " +
	"the legacy UTC form YYYY-MM-DD HH:MM:SS")

// Timestamp reads a request timestamp: RFC 3339 with any valid offset and an optional
// fraction (a lower-case t or z is allowed, as RFC 3339 allows it), or exactly
// YYYY-MM-DD HH:MM:SS, read as UTC. The result is in UTC.
//
// It refuses what time.Parse lets through but RFC 3339 does not: offsets with hours past
// 23 or minutes past 59 (+24:00, +00:60) and a comma before the fraction. A date of the
// right form that the calendar lacks (2027-02-30, 2027-02-29) gets an error of its own:
// openapi.yaml's pattern can state the form, not the length of each month.
func Timestamp(s string) (time.Time, error) {
	if len(s) == len(LegacyTimeLayout) && s[10] == ' ' {
		t, err := time.ParseInLocation(LegacyTimeLayout, s, time.UTC)
		if err != nil {
			return time.Time{}, timestampError(s, err)
		}
		return t, nil
	}
	// RFC 3339 (§5.6) allows t and z; time.Parse wants them upper case.
	norm := s
	if len(s) > 10 && s[10] == 't' {
		norm = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(norm, "z") {
		norm = norm[:len(norm)-1] + "Z"
	}
	if strings.Contains(norm, ",") {
		return time.Time{}, errTimestamp
	}
	t, err := time.Parse(time.RFC3339Nano, norm)
	if err != nil {
		return time.Time{}, timestampError(s, err)
	}
	if err := checkOffset(norm); err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// timestampError words a parse failure: a day the month does not have, or the usual
// "must be RFC 3339 or the legacy form".
func timestampError(s string, err error) error {
	var pe *time.ParseError
	if errors.As(err, &pe) && pe.Message == ": day out of range" {
		return fmt.Errorf("has the date %s, which is not a day of the calendar", s[:10])
	}
	return errTimestamp
}

// checkOffset refuses a numeric offset (the last six characters, ±hh:mm, of a string
// time.Parse has accepted) whose hours are past 23 or minutes past 59.
func checkOffset(s string) error {
	n := len(s)
	if n < 6 || (s[n-6] != '+' && s[n-6] != '-') {
		return nil // Z
	}
	if hh, mm := s[n-5:n-3], s[n-2:]; hh > "23" || mm > "59" {
		return fmt.Errorf("has the time zone offset %s, which is out of range (hours 00-23, minutes 00-59)", s[n-6:])
	}
	return nil
}
