package models

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// NullableTime is a request's expires_at, which has three states a pointer cannot tell apart:
// absent (the zero value: the field is left out and the server keeps or defaults the expiry),
// a time, and an explicit null ("never expires"; in an update or rotation it removes the expiry).
// Build one with sdk.Expiry and sdk.NoExpiry.
//
// It is written by hand (oapi-codegen would otherwise emit a third-party nullable type) and wired
// to the generated request types by overlay.yaml.
type NullableTime struct {
	t     time.Time
	state nullableState
}

type nullableState uint8

const (
	absent nullableState = iota
	present
	null
)

// NewNullableTime returns t as a set value; it is sent as RFC 3339 in UTC, to the second.
func NewNullableTime(t time.Time) NullableTime {
	return NullableTime{t: t.UTC().Truncate(time.Second), state: present}
}

// NullTime returns an explicit null.
func NullTime() NullableTime { return NullableTime{state: null} }

// IsZero reports whether the value is absent, so `omitzero` leaves the field out.
func (n NullableTime) IsZero() bool { return n.state == absent }

// IsNull reports whether the value is an explicit null.
func (n NullableTime) IsNull() bool { return n.state == null }

// Get returns the time and true when a time is set; the zero time and false when absent or null.
func (n NullableTime) Get() (time.Time, bool) { return n.t, n.state == present }

// MarshalJSON writes null or the time in RFC 3339 (UTC). An absent value is written as null
// too, but the generated request types never write it (omitzero).
func (n NullableTime) MarshalJSON() ([]byte, error) {
	if n.state != present {
		return []byte("null"), nil
	}
	return json.Marshal(n.t.UTC().Format(time.RFC3339))
}

// UnmarshalJSON reads null or an RFC 3339 time.
func (n *NullableTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*n = NullTime()
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("expires_at: must be an RFC 3339 time or null: %w", err)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("expires_at: must be an RFC 3339 time or null: %w", err)
	}
	*n = NewNullableTime(t)
	return nil
}

// String returns "absent", "null" or the time in RFC 3339, for logs and test failures.
func (n NullableTime) String() string {
	switch n.state {
	case present:
		return n.t.UTC().Format(time.RFC3339)
	case null:
		return "null"
	}
	return "absent"
}
