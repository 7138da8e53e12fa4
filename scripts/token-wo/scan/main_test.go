package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	secret := "thk_" + strings.Repeat("Ab1", 10) + "Cd" + "XyZ123"
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("tfplan/plan")
	_, _ = w.Write([]byte(strings.Repeat("padding ", 100) + base64.StdEncoding.EncodeToString([]byte(secret))))
	_ = zw.Close()
	for name, tc := range map[string]struct {
		data  []byte
		found bool
	}{
		"as is":                  {[]byte(`{"token":"` + secret + `"}`), true},
		"after the hint":         {[]byte("…" + secret[8:]), true},
		"base64, inside a zip":   {zipped.Bytes(), true},
		"only the hint":          {[]byte(`{"token_hint":"` + secret[:8] + `"}`), false},
		"another secret's shape": {[]byte("thk_" + strings.Repeat("z", 38)), false},
	} {
		got := search(name, tc.data, []string{secret})
		if (len(got) > 0) != tc.found {
			t.Errorf("%s: found %v, want found=%v", name, got, tc.found)
		}
		for _, f := range got {
			if strings.Contains(f, secret[8:]) {
				t.Errorf("%s: the finding prints the secret: %s", name, f)
			}
		}
	}
}
