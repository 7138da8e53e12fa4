package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// The naming rule of CONTRIBUTING.md ("Test files"): every test file is named after the
// source file it tests, <source>_test.go or <source>_<topic>_test.go, and a topic file
// whose name ends in _acc_test.go holds acceptance tests only, the others none.
func TestTestFilesAreNamedAfterTheirSource(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var sources, tests []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".go")
		switch {
		case !ok || e.IsDir():
		case strings.HasSuffix(name, "_test"):
			tests = append(tests, e.Name())
		default:
			sources = append(sources, name)
		}
	}
	for _, file := range tests {
		if problem := testFileProblem(t, file, sources); problem != "" {
			t.Errorf("%s: %s", file, problem)
		}
	}
	if len(tests) < 30 {
		t.Fatalf("found %d test files", len(tests))
	}
}

// testFileProblem says what breaks the naming rule in file, or "".
func testFileProblem(t *testing.T, file string, sources []string) string {
	t.Helper()
	base := strings.TrimSuffix(file, "_test.go")
	topic, acc := strings.CutSuffix(base, "_acc")
	source := ""
	for _, s := range sources {
		if (topic == s || strings.HasPrefix(topic, s+"_")) && len(s) > len(source) {
			source = s
		}
	}
	if source == "" {
		return "names no source file: call it <source>_test.go or <source>_<topic>_test.go after the file it tests"
	}
	if base == source {
		return "" // the source's own test file holds its unit and acceptance tests alike
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Name.Name == "TestMain" {
			continue
		}
		if isAcc := strings.HasPrefix(fn.Name.Name, "TestAcc"); isAcc != acc {
			if acc {
				return fn.Name.Name + " is no acceptance test, in a file named _acc_test.go"
			}
			return fn.Name.Name + " is an acceptance test: name the file " + topic + "_acc_test.go"
		}
	}
	return ""
}
