package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestConvertKeepsOrderAndTypes(t *testing.T) {
	t.Parallel()
	got, err := convert([]byte("b: 1\na: [x, 2.5, true, null, '2030-01-01T00:00:00Z', 2030-01-01]\nc: {z: 0, y: {}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	compact := strings.Join(strings.Fields(string(got)), "")
	want := `{"b":1,"a":["x",2.5,true,null,"2030-01-01T00:00:00Z","2030-01-01"],"c":{"z":0,"y":{}}}`
	if compact != want {
		t.Fatalf("got  %s\nwant %s", compact, want)
	}
}

func TestConvertRefusesAmbiguity(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"a: 1\na: 2\n", "? [x]\n: 1\n", "a: !!custom x\n"} {
		if _, err := convert([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// Characters that do not show are escaped, so the served document hides nothing; the rest of
// the text (dashes, accents, emoji) stays readable. Decoding gives back the same strings.
func TestConvertEscapesWhatDoesNotShow(t *testing.T) {
	t.Parallel()
	got, err := convert([]byte("a: \"x\\u202Ey\\u3164\\u00A0\\u200B–é🚀\\U000E0001\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	compact := strings.Join(strings.Fields(string(got)), "")
	want := `{"a":"x\u202ey\u3164\u00a0\u200b–é🚀\udb40\udc01"}`
	if compact != want {
		t.Fatalf("got  %s\nwant %s", compact, want)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["a"] != "x\u202ey\u3164\u00a0\u200b–é🚀\U000E0001" {
		t.Fatalf("decodes to %q, %v", back["a"], err)
	}
}
