package main

import (
	"os"
	"strings"
	"testing"
)

func TestParseAndRender(t *testing.T) {
	t.Parallel()
	in := headerPrefix + "Terraform 1.11.4\n" + strings.Join([]string{
		`{"Action":"run","Test":"TestAccAPIToken_basic"}`,
		`{"Action":"pass","Test":"TestAccAPIToken_basic"}`,
		`{"Action":"pass","Test":"TestAccAPIToken_basic/sub"}`,
		`{"Action":"pass","Test":"TestAPITokenList_filters"}`, // unit test: not counted
		`{"Action":"output","Test":"TestAccAPITokenList_query","Output":"    x.go:1: Terraform CLI version 1.11.4 is below minimum version 1.14.0: skipping test\n"}`,
		`{"Action":"skip","Test":"TestAccAPITokenList_query"}`,
		`{"Action":"output","Test":"TestAccAPIToken_identity","Output":"resource identity: not supported by OpenTofu; skipped\n"}`,
		`{"Action":"skip","Test":"TestAccAPIToken_identity"}`,
		`{"Action":"fail","Test":"TestAccEphemeralAPIToken_defaultTTL"}`,
		`{"Action":"pass","Test":"TestAccEphemeralAPIToken_validation"}`,
		`{"Action":"output","Test":"TestAccTokenWO_chain","Output":"    x.go:1: Terraform CLI version 1.8.5 is below minimum version 1.11.0: skipping test\n"}`,
		`{"Action":"skip","Test":"TestAccTokenWO_chain"}`,
		`{"Action":"skip","Test":"TestAccTokenSecret_fresh"}`,
		`not json: build output`,
	}, "\n")
	col, err := parse(clis[1], strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"✅ 1 passed", "❌ 1 failed", "— skipped (not in OpenTofu)", "— skipped (needs ≥ 1.14)", "— skipped (needs ≥ 1.11)"}
	for i, w := range want {
		if got := col.cells[i].String(); got != w {
			t.Errorf("%s: got %q, want %q", features[i].Name, got, w)
		}
	}
	if !col.failed || col.version != "Terraform 1.11.4" {
		t.Errorf("failed=%v version=%q", col.failed, col.version)
	}
	table := renderTable([]column{col})
	if !strings.Contains(table, "| Terraform 1.11.4 (on PATH) |") || strings.Count(table, "\n") != 2+len(features) {
		t.Errorf("table:\n%s", table)
	}

	// A column that runs one feature's tests only says so for the others, not "no tests".
	var partial cli
	for _, c := range clis {
		if c.Run != "" {
			partial = c
		}
	}
	pcol, err := parse(partial, strings.NewReader(headerPrefix+"Terraform 1.14.5\n"+
		`{"Action":"pass","Test":"TestAccAPITokenList_query"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := pcol.cells[0].String(); got != "— not run (see the newest)" {
		t.Errorf("partial column, feature not run: %q", got)
	}
	query := 0 // the feature that claims the query test, as parse decides (the last match)
	for i, f := range features {
		if i > 0 && f.Match("TestAccAPITokenList_query") {
			query = i
		}
	}
	if got := pcol.cells[query].String(); got != "✅ 1 passed" {
		t.Errorf("partial column, its feature: %q", got)
	}

	if _, err := parse(clis[0], strings.NewReader(`{"Action":"pass","Test":"TestAccX"}`)); err == nil {
		t.Error("a file without the CLI line should be refused")
	}
}

// README's table must have been generated from this matrix: one column per CLI
// that .ci/run runs, in order, one row per feature, every cell an outcome.
func TestREADMEMatchesMatrix(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i < 0 || j < i {
		t.Fatalf("README.md has no support-matrix section (%q … %q)", beginMarker, endMarker)
	}
	lines := strings.Split(strings.TrimSpace(s[i+len(beginMarker):j]), "\n")
	if len(lines) != 2+len(features) {
		t.Fatalf("README's table has %d lines, the matrix %d features: regenerate it with go run ./scripts/matrix", len(lines), len(features))
	}
	header := strings.Split(strings.Trim(lines[0], "| "), " | ")
	if len(header) != 1+len(clis) {
		t.Fatalf("README's table has %d CLI columns, the matrix runs %d: %q", len(header)-1, len(clis), lines[0])
	}
	for k, c := range clis {
		if !strings.HasSuffix(header[k+1], "("+c.Role+")") {
			t.Errorf("column %d is %q, the matrix runs %s (%s) there", k+1, header[k+1], c.Key, c.Role)
		}
	}
	for k, f := range features {
		cells := strings.Split(strings.Trim(lines[2+k], "| "), " | ")
		if cells[0] != f.Name || len(cells) != 1+len(clis) {
			t.Errorf("row %d is %q, want feature %q with %d cells", k+1, lines[2+k], f.Name, len(clis))
		}
		for n, c := range cells[1:] {
			if n < len(clis) && clis[n].Run != "" && strings.HasPrefix(c, "— not run") {
				continue // a column that runs some features only
			}
			if !strings.HasPrefix(c, "✅") && !strings.HasPrefix(c, "— skipped") {
				t.Errorf("row %q: cell %q is not a passing or skipped outcome", f.Name, c)
			}
		}
	}
}
