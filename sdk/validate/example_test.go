package validate_test

import (
	"fmt"
	"net/netip"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func ExampleTimestamp() {
	t, err := validate.Timestamp("2027-01-31T01:00:00+01:00")
	fmt.Println(t, err)
	t, err = validate.Timestamp("2027-01-31 00:00:00") // the legacy form, UTC
	fmt.Println(t, err)
	_, err = validate.Timestamp("2027-01-31T00:00:00+00:60")
	fmt.Println(err)
	// Output:
	// 2027-01-31 00:00:00 +0000 UTC <nil>
	// 2027-01-31 00:00:00 +0000 UTC <nil>
	// has the time zone offset +00:60, which is out of range (hours 00-23, minutes 00-59)
}

func ExampleAllowedIP() {
	for _, s := range []string{"203.0.113.7", "10.0.0.0/8", "10.0.0.1/8", "fe80::1%eth0"} {
		p, err := validate.AllowedIP(s)
		if err != nil {
			fmt.Println("refused:", err)
			continue
		}
		fmt.Println("admits", p)
	}
	// Output:
	// admits 203.0.113.7/32
	// admits 10.0.0.0/8
	// refused: "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?
	// refused: "fe80::1%eth0" must not have an IPv6 zone
}

func ExamplePrefixWithin() {
	caller := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	inner, _ := validate.AllowedIP("10.1.0.0/16")
	wider, _ := validate.AllowedIP("10.0.0.0/7")
	fmt.Println(validate.PrefixWithin(inner, caller), validate.PrefixWithin(wider, caller))
	// Output: true false
}

func ExampleTokenName() {
	fmt.Println(validate.TokenName("ci-deploy"))
	fmt.Println(validate.TokenName("invoice\u202etxt.exe"))
	// Output:
	// <nil>
	// must not contain bidirectional control characters (U+202E)
}

func ExampleUsername() {
	fmt.Println(validate.Username("svc-ci"))
	fmt.Println(validate.Username("svc ci"))
	// Output:
	// <nil>
	// must be 1–64 characters of letters, digits, '.', '_', '-' and '@'
}

func ExampleIdempotencyKey() {
	fmt.Println(validate.IdempotencyKey("nightly-2026-11-29"))
	fmt.Println(validate.IdempotencyKey(""))
	// Output:
	// <nil>
	// must not be empty
}

func ExampleSecret() {
	fmt.Println(validate.Secret("thk_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLp"))
	fmt.Println(validate.Secret("thk_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLq"))
	fmt.Println(validate.Secret("ghp_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLp"))
	// Output:
	// <nil>
	// has a checksum that does not match the rest: it is mistyped, truncated, or not a tokenhub secret
	// must start with "thk_": a tokenhub secret is thk_ + 32 base62 characters + a 6-character base62 checksum (42 characters)
}
