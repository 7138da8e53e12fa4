package models

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Duration is a time.Duration sent as a Go duration string ("24h", "1h30m"), the form the contract's
// duration fields (RotateTokenRequest.Overlap) take. Convert with Duration(24*time.Hour) or use
// sdk.Overlap; the zero value is left out of the request (omitzero).
//
// It is written by hand (the contract types the field as a string) and wired to the generated
// request type by overlay.yaml.
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string without zero trailing units
// ("1h", not "1h0m0s"), as a person would write it.
func (d Duration) MarshalJSON() ([]byte, error) {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return json.Marshal(s)
}

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: must be a Go duration string such as \"1h\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// String returns the duration as Go prints it ("1h0m0s").
func (d Duration) String() string { return time.Duration(d).String() }
