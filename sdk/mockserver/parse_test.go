package mockserver

import (
	"net/netip"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want string // RFC 3339 UTC; "" = rejected
	}{
		{"2027-01-31T00:00:00Z", "2027-01-31T00:00:00Z"},
		{"2027-01-31T02:00:00+02:00", "2027-01-31T00:00:00Z"},
		{"2027-01-31T00:00:00.5Z", "2027-01-31T00:00:00.5Z"},
		{"2027-01-31 13:14:15", "2027-01-31T13:14:15Z"},
		{"2027-01-31", ""},
		{"2027-01-31T00:00:00", ""},
		{"2027-02-30T00:00:00Z", ""},
		{"2027-01-31 25:00:00", ""},
		{"31/01/2027", ""},
		{"", ""},
	}
	for _, tc := range cases {
		got, err := parseTime(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("parseTime(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339Nano) != tc.want || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestParseAllowedIP(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"1.2.3.4", "1.2.3.4/32"},
		{"1.2.3.4/32", "1.2.3.4/32"},
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"2001:db8::1", "2001:db8::1/128"},
		{"2001:DB8::/32", "2001:db8::/32"},
		{"::/0", "::/0"},
		{"10.0.0.1/8", ""},
		{"1.2.3.4/33", ""},
		{"1.2.3", ""},
		{" 1.2.3.4", ""},
		{"fe80::1%eth0", ""},
		{"", ""},
		{"example.com", ""},
	}
	for _, tc := range cases {
		got, err := parseAllowedIP(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("parseAllowedIP(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("parseAllowedIP(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2027-01-31T00:00:00Z", "2027-01-31 00:00:00", "2027-01-31T00:00:00.123456789+05:30", "0000-01-01T00:00:00Z", "9999-12-31 23:59:59", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("parseTime(%q) not UTC: %v", s, got)
		}
		// What we answer (RFC 3339 UTC) must read back as the same instant.
		back, err := parseTime(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("parseTime(%q) = %v; round trip gives %v, %v", s, got, back, err)
		}
	})
}

func FuzzParseAllowedIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.0/8", "2001:db8::/32", "::ffff:1.2.3.4", "1.2.3.4/33", "fe80::1%eth0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseAllowedIP(s)
		if err != nil {
			return
		}
		if !p.IsValid() || p.Masked() != p || p.Addr().Zone() != "" {
			t.Fatalf("parseAllowedIP(%q) = %v: not a valid masked prefix", s, p)
		}
		again, err := parseAllowedIP(p.String())
		if err != nil || again != p {
			t.Fatalf("parseAllowedIP(%q) = %v; reparsing gives %v, %v", s, p, again, err)
		}
		if !ipAllowed([]netip.Prefix{p}, p.Addr()) && !p.Addr().Is4In6() {
			t.Fatalf("prefix %v does not contain its own address", p)
		}
	})
}
