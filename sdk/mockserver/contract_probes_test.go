package mockserver

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	regen "github.com/zach-klippenstein/goregen"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/secretfmt"
)

// The values contract_agreement_test.go sends to each request field: generated from the
// field's schema, mutated, and a corpus of inputs known to split parsers.

// trickyStrings are sent to every string field: blanks and invisibles, controls, bidi,
// separators, astral and unassigned characters, numbers in odd spellings, near-misses of
// addresses, timestamps and durations.
var trickyStrings = []string{
	"", " ", "\t", "a", "é", "🚀", "a b", " a", "a ", "a\x00b", "\x00", "a\nb", "a\tb", "\x7f", "a\u0085b",
	"\u00a0", "\u00ad", "\u0301", "a\u0301", "\u034f", "\u200b", "a\u200bb", "\u200d", "\u202e", "a\u202eb",
	"a\u061cb", "\u2066x\u2069", "\u2028", "a\u2028b", "\u2029", "\u3000", "\u3164", "\u115f", "\ufeff", "\uffa0",
	"\ufe0f", "\u180e", "\u2065", "\ufff0", "\ufffd", "\U000e0001", "\U0001f600", "\U000f0000", "\U00030000",
	"\U0001d400", "\U0003fffd", "\U000e0100", "x\u0378y", "\u0378", "\ufdd0",
	// Numbers.
	"0", "1", "-1", "01", "+1", "1.0", "1e2", "0x10", "100", "101", "99999999999999999999", " 1", "1 ", "١",
	// Addresses.
	"1.2.3.4", "1.2.3.4/32", "10.0.0.1/8", "010.0.0.1", "1.2.3.4/33", "1.2.3.4/08", "1.2.3", "1.2.3.4.5",
	"256.0.0.1", "::", "::1", "::/0", "0.0.0.0/0", "::ffff:1.2.3.4", "::ffff:1.2.3.4/104", "::ffff:1.2.3.4/96",
	"::1.2.3.4", "1::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8",
	"1:2:3:4:5:6:7:8:9", "1::2::3", "2001:DB8::/32", "2001:db8::1/128", "2001:db8::1/129", "0001:0db8::1",
	"00001::1", "fe80::1%eth0", "fe80::1%25eth0", "1.2.3.4 ", " 1.2.3.4", "[::1]", "::ffff:010.0.0.1",
	"1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::1.2.3.4/33",
	// Timestamps.
	"2035-01-31T00:00:00Z", "2035-01-31t00:00:00z", "2035-01-31T00:00:00+00:60", "2035-01-31T00:00:00+24:00",
	"2035-01-31T00:00:00+23:59", "2035-01-31T00:00:00-00:00", "2016-12-31T23:59:60Z", "2035-02-30T00:00:00Z",
	"2036-02-29T00:00:00Z", "2035-02-29 00:00:00", "2035-01-31 00:00:00", "2035-01-31 00:00:00Z",
	"2035-01-31T00:00:00,5Z", "2035-01-31T00:00:00.123456789123Z", "2035-01-31T00:00:00.Z", "0000-01-01T00:00:00Z",
	"9999-12-31T23:59:59Z", "2035-01-31T00:00:00", "2035-01-31", " 2035-01-31T00:00:00Z", "2035-1-31T00:00:00Z",
	"2035-01-31T24:00:00Z", "2035-04-31 00:00:00", "2001-01-01T00:00:00Z", "2035-01-31T00:00:00+0100",
	"2035-01-31T00:00:00 01:00", "２０３５-01-31T00:00:00Z",
	// Durations.
	"1h", "-1h", "-0", "-0s", "+0", "+1h", "00", "720h", "720h1ns", "719h60m", "2562048h", "9999999999999999999h",
	"1.5h", ".5h", "1.h", ".h", "1d", "1H", "1µs", "1μs", "1h1h", "0.0s", "1", "1 h",
	// Ids and cursors.
	"6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40", "6F1C2A9E-4B7D-4E0A-9C3B-2D8F5E7A1B40",
	"{6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40}", "urn:uuid:6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b40",
	"6f1c2a9e4b7d4e0a9c3b2d8f5e7a1b40", "6f1c2a9e-4b7d-4e0a-9c3b-2d8f5e7a1b4", "00000000-0000-0000-0000-000000000000",
	"dj", "djE6MTox", "not-a-cursor",
	// Invalid UTF-8: a header and a query string can carry it (JSON cannot).
	"k\xff", "\xed\xa0\x80",
}

// probesFor returns the values to send to f: strings for a parameter, JSON texts for a body
// property.
func probesFor(f contractField, cursor string) []probe {
	rng := rand.New(rand.NewSource(int64(len(f.String())))) // the same values on every run
	var strs []string
	if f.in != "body" {
		strs = stringsFor(f.schema, rng)
		if f.name == "cursor" {
			strs = append(strs, cursor)
		}
		out := make([]probe, 0, len(strs))
		for _, s := range dedup(strs) {
			out = append(out, probe{value: s})
		}
		return out
	}
	var vals []string // JSON texts
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	// Wrong JSON types, and null.
	vals = append(vals, "null", "1", "true", "{}", "[]", `"x"`, "1.5e300")
	switch {
	case f.schema.Type.Is("boolean"):
		vals = append(vals, "false", `"true"`, "0")
	case f.schema.Type.Is("string"):
		for _, s := range stringsFor(f.schema, rng) {
			vals = append(vals, js(s))
		}
		// An unpaired UTF-16 surrogate: valid JSON, not Unicode text.
		vals = append(vals, `"\ud800"`, `"a\udc00b"`)
		if f.name == "token" {
			// A well-formed secret, the same for create and rotate: taken by the first (create
			// sorts before rotate), refused as used before by the second.
			vals = append(vals, js(secretfmt.FromBody("ContractAgreementProbe0123456789")))
		}
	case f.schema.Type.Is("array"):
		items := f.schema.Items.Value
		good := stringsFor(items, rng)
		valid := func(n int) []any { // n distinct items the item schema allows
			out := []any{}
			for i := 0; len(out) < n && i < 100000; i++ {
				v := itemAt(items, i)
				if !containsAny(out, v) {
					out = append(out, v)
				}
			}
			return out
		}
		for _, s := range good {
			vals = append(vals, js([]any{s}), js([]any{itemAt(items, 0), s}))
		}
		vals = append(vals, js([]any{itemAt(items, 0), itemAt(items, 0)}), `["\ud800"]`, `[1]`, `[null]`)
		if f.name == "allowed_ips" { // the same range, spelled twice
			vals = append(vals, js([]any{"10.0.0.1", "10.0.0.1/32"}), js([]any{"::ffff:1.2.3.4", "::ffff:1.2.3.4/128"}))
		}
		if n := f.schema.MaxItems; n != nil {
			vals = append(vals, js(valid(int(*n))), js(valid(int(*n)+1)))
		}
		if f.schema.MinItems > 0 {
			vals = append(vals, js(valid(int(f.schema.MinItems)-1)))
		}
		vals = append(vals, js(valid(3)))
	}
	out := make([]probe, 0, len(vals))
	for _, v := range dedup(vals) {
		out = append(out, probe{value: v, json: true})
	}
	return out
}

// stringsFor generates strings for a string-valued schema (the wire form of an integer or
// enum parameter too): from its pattern, its enum, its length and value bounds, mutations of
// those, and the tricky corpus.
func stringsFor(s *openapi3.Schema, rng *rand.Rand) []string {
	var valid []string
	if s.Pattern != "" {
		repeat := uint(24)
		if s.MaxLength != nil && *s.MaxLength < uint64(repeat) {
			repeat = uint(*s.MaxLength)
		}
		gen, err := regen.NewGenerator(s.Pattern, &regen.GeneratorArgs{RngSource: rng, MaxUnboundedRepeatCount: repeat})
		if err != nil {
			panic(fmt.Sprintf("pattern %q: %v", s.Pattern, err))
		}
		for range 24 {
			valid = append(valid, gen.Generate())
		}
	}
	for _, e := range s.Enum {
		valid = append(valid, fmt.Sprint(e))
	}
	if s.Type.Is("integer") {
		lo, hi := 0.0, 1000.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = *s.Max
		}
		for _, n := range []float64{lo - 1, lo, lo + 1, hi - 1, hi, hi + 1} {
			valid = append(valid, strconv.FormatFloat(n, 'f', -1, 64))
		}
		valid = append(valid, strconv.FormatFloat(lo, 'f', 1, 64), "0"+strconv.FormatFloat(hi, 'f', -1, 64))
	}
	if s.Format == "uuid" {
		valid = append(valid, "0b9d6f7e-3c1a-4f8e-9d2b-5a6c7e8f9a0b")
	}
	var out []string
	out = append(out, valid...)
	// Lengths: at and past each bound, in one-, two- and four-byte characters.
	for _, n := range []uint64{s.MinLength, max(s.MinLength, 1) - 1} {
		for _, c := range []string{"a", "é", "🚀"} {
			out = append(out, strings.Repeat(c, int(n)))
		}
	}
	if s.MaxLength != nil {
		n := int(*s.MaxLength)
		for _, c := range []string{"a", "é", "🚀", "\u3164"} {
			out = append(out, strings.Repeat(c, n), strings.Repeat(c, n+1))
		}
		if len(valid) > 0 {
			v := valid[0]
			for utf8.RuneCountInString(v) <= n {
				v += "x"
			}
			out = append(out, v)
		}
	}
	// Mutations of valid values: a character too many or too few, around or inside.
	for i, v := range valid {
		if i >= 8 {
			break
		}
		r := []rune(v)
		tricky := trickyStrings[rng.Intn(len(trickyStrings))]
		out = append(out, " "+v, v+" ", v+"\x00", v+"\u202e", strings.ToUpper(v), v+v, v+tricky)
		if len(r) > 1 {
			k := rng.Intn(len(r))
			out = append(out, string(r[:k])+string(r[k+1:]), string(r[:k])+tricky+string(r[k:]))
		}
	}
	return append(out, trickyStrings...)
}

// itemAt is the i-th of a sequence of distinct values for an array's items, valid ones for
// the contract's arrays: the enum's values (scopes, permissions), else, for a pattern (the
// only one on items is allowed_ips'), /24 ranges, else plain strings.
func itemAt(items *openapi3.Schema, i int) any {
	if len(items.Enum) > 0 {
		return items.Enum[i%len(items.Enum)]
	}
	if items.Pattern != "" {
		return fmt.Sprintf("10.%d.%d.0/24", i/256%256, i%256)
	}
	return fmt.Sprintf("item-%d", i)
}

func containsAny(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func dedup(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
