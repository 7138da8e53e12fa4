package models

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The contract sends RotateTokenRequest.Overlap as a Go duration string ("24h"), while Go code
// holds it as a time.Duration (overlay.yaml maps the field), whose own JSON form is a number of
// nanoseconds. These two methods are written by hand for that one field; the embedded copy
// carries every other field, so a field added to the contract needs no change here.

// rotateWire is RotateTokenRequest with Overlap as the wire's string; its Overlap shadows the
// embedded one.
type rotateWire struct {
	rotatePlain
	Overlap string `json:"overlap,omitempty"`
}

// rotatePlain has RotateTokenRequest's fields but not its methods (no recursion).
type rotatePlain RotateTokenRequest

// MarshalJSON writes Overlap as a Go duration string without zero trailing units ("1h", not
// "1h0m0s"), as a person would write it; zero is left out.
func (r RotateTokenRequest) MarshalJSON() ([]byte, error) {
	w := rotateWire{rotatePlain: rotatePlain(r)}
	if r.Overlap != 0 {
		w.Overlap = durationString(r.Overlap)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads Overlap as a Go duration string.
func (r *RotateTokenRequest) UnmarshalJSON(b []byte) error {
	var w rotateWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = RotateTokenRequest(w.rotatePlain)
	r.Overlap = 0
	if w.Overlap != "" {
		d, err := time.ParseDuration(w.Overlap)
		if err != nil {
			return fmt.Errorf("overlap: %w", err)
		}
		r.Overlap = d
	}
	return nil
}

func durationString(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
