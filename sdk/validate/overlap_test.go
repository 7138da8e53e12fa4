package validate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func TestOverlap(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    time.Duration
		errPart string
	}{
		{"", 0, ""},
		{"0", 0, ""},
		{"+0", 0, ""},
		{"1h", time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"1.5h", 90 * time.Minute, ""},
		{".5h", 30 * time.Minute, ""},
		{"1.h", time.Hour, ""},
		{"+1h", time.Hour, ""},
		{"2µs", 2 * time.Microsecond, ""},
		{"2μs", 2 * time.Microsecond, ""},
		{"720h", 720 * time.Hour, ""},
		{"719h60m", 720 * time.Hour, ""},
		{"720h1ns", 0, "at most 720h"},
		{"2562048h", 0, "at most 720h"}, // past time.Duration's range: still a duration, too long
		{"-1h", 0, "must not be negative"},
		{"-0s", 0, "must not be negative"},
		{"00", 0, "Go duration"},
		{"1", 0, "Go duration"},
		{"1d", 0, "Go duration"},
		{" 1h", 0, "Go duration"},
		{"1H", 0, "Go duration"},
		{".h", 0, "Go duration"},
	}
	for _, tc := range cases {
		got, err := validate.Overlap(tc.in)
		if tc.errPart == "" {
			if err != nil || got != tc.want {
				t.Errorf("Overlap(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.errPart) {
			t.Errorf("Overlap(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.errPart)
		}
	}
}

// The form check agrees with time.ParseDuration on every string it does not call too long.
func FuzzOverlap(f *testing.F) {
	for _, s := range []string{"1h", "-0", "1.5h", "2562048h", "1h1h", "μs", "0.0s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := validate.Overlap(s)
		parsed, perr := time.ParseDuration(s)
		switch {
		case err == nil && s != "" && (perr != nil || parsed != d):
			t.Fatalf("Overlap(%q) = %v, but time.ParseDuration gives %v, %v", s, d, parsed, perr)
		case err != nil && perr == nil && parsed >= 0 && parsed <= validate.MaxOverlap && !strings.HasPrefix(s, "-"):
			t.Fatalf("Overlap(%q) refused (%v) a duration time.ParseDuration reads as %v", s, err, parsed)
		}
	})
}
