package validate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func TestTimestamp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    string // RFC 3339 UTC; "" = refused
		errPart string // for a refusal: part of the message
	}{
		{"2027-01-31T00:00:00Z", "2027-01-31T00:00:00Z", ""},
		{"2027-01-31T02:00:00+02:00", "2027-01-31T00:00:00Z", ""},
		{"2027-01-31T00:00:00-00:00", "2027-01-31T00:00:00Z", ""},
		{"2027-01-31T23:59:00+23:59", "2027-01-31T00:00:00Z", ""},
		{"2027-01-31T00:00:00.5Z", "2027-01-31T00:00:00.5Z", ""},
		{"2006-01-02T15:04:05.999999999Z", "2006-01-02T15:04:05.999999999Z", ""},
		{"2027-01-31t00:00:00z", "2027-01-31T00:00:00Z", ""},
		{"2027-01-31t01:00:00+01:00", "2027-01-31T00:00:00Z", ""},
		{"2027-01-31 13:14:15", "2027-01-31T13:14:15Z", ""},
		{"2027-01-31T00:00:00+24:00", "", "+24:00, which is out of range"},
		{"2027-01-31T00:00:00+00:60", "", "+00:60, which is out of range"},
		{"2027-01-31T00:00:00-24:00", "", "-24:00"},
		{"2027-01-31T00:00:00,5Z", "", "RFC 3339"},
		{"2027-01-31 00:00:00.5", "", "YYYY-MM-DD HH:MM:SS"},
		{"2027-01-31 00:00:00Z", "", "RFC 3339"},
		{"2016-12-31T23:59:60Z", "", "RFC 3339"}, // leap second: Go has no 60th second
		{"2027-01-31", "", "RFC 3339"},
		{"2027-01-31T00:00:00", "", "RFC 3339"},
		{"2027-02-30T00:00:00Z", "", "2027-02-30, which is not a day of the calendar"},
		{"2027-02-29 00:00:00", "", "2027-02-29, which is not a day of the calendar"},
		{"2028-02-29 00:00:00", "2028-02-29T00:00:00Z", ""},
		{"2027-04-31t00:00:00z", "", "2027-04-31, which is not a day"},
		{"2027-13-01T00:00:00Z", "", "RFC 3339"},
		{"2027-01-31 25:00:00", "", "RFC 3339"},
		{" 2027-01-31T00:00:00Z", "", "RFC 3339"},
		{"2027-01-31T00:00:00Z ", "", "RFC 3339"},
		{"31/01/2027", "", "RFC 3339"},
		{"", "", "RFC 3339"},
	}
	for _, tc := range cases {
		got, err := validate.Timestamp(tc.in)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("Timestamp(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.errPart)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339Nano) != tc.want || got.Location() != time.UTC {
			t.Errorf("Timestamp(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}
