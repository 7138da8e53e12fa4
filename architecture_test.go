package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ARCHITECTURE.md's code map is where a newcomer looks things up, so it must not lie: every
// path it names exists, and every Go package of the module is named in it.

// codemapPath is a backticked word of the code map that names a file or folder: one with a
// slash, or a file name with an extension. Paths may be globs (`*.gen.go`).
var codemapPath = regexp.MustCompile("`([A-Za-z0-9_.*/-]+)`")

func codeMapSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n## Code map\n")
	if !ok {
		t.Fatal(`ARCHITECTURE.md has no "## Code map" section`)
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// codemapPaths returns the paths the code map names, as written (a trailing slash dropped).
func codemapPaths(section string) []string {
	var paths []string
	for _, m := range codemapPath.FindAllStringSubmatch(section, -1) {
		w := m[1]
		ext := filepath.Ext(w)
		if !strings.Contains(w, "/") && (ext == "" || ext[1:2] != strings.ToLower(ext[1:2])) {
			continue // an identifier (iter.Seq2, Caller.Widening) or a command, not a path
		}
		paths = append(paths, strings.TrimSuffix(w, "/"))
	}
	return paths
}

func TestArchitecture_CodeMapPathsExist(t *testing.T) {
	t.Parallel()
	paths := codemapPaths(codeMapSection(t))
	if len(paths) < 50 {
		t.Fatalf("found only %d paths in the code map; the parser lost its way", len(paths))
	}
	dirs := packageDirs(t)
	for _, p := range paths {
		if strings.Contains(p, "*") {
			if m, _ := filepath.Glob(p); len(m) == 0 && !globUnderAny(p, dirs) {
				t.Errorf("ARCHITECTURE.md names %s, which matches nothing", p)
			}
			continue
		}
		if _, err := os.Stat(p); err == nil {
			continue
		}
		// A bare file name in a section about one folder: it must exist in some package folder.
		if !strings.Contains(p, "/") && fileInAny(p, dirs) {
			continue
		}
		t.Errorf("ARCHITECTURE.md names %s, which does not exist", p)
	}
}

func TestArchitecture_CodeMapNamesEveryPackage(t *testing.T) {
	t.Parallel()
	named := map[string]bool{}
	for _, p := range codemapPaths(codeMapSection(t)) {
		named[p] = true
	}
	for _, dir := range packageDirs(t) {
		want := dir
		if dir == "." {
			want = "main.go" // the root package is the provider's main
		}
		if !named[want] {
			t.Errorf("package %s is not in ARCHITECTURE.md's code map: say what it holds there", dir)
		}
	}
}

// The SDK imports nothing of Terraform, the provider or the reference server (so it could
// become a module of its own by moving files).
func TestArchitecture_SDKImportsNoProviderNorServer(t *testing.T) {
	t.Parallel()
	forbidden := []string{
		"github.com/hashicorp/terraform-",
		"github.com/tokenhub/terraform-provider-tokenhub/provider",
		"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver",
	}
	checked := 0
	for _, dir := range packageDirs(t) {
		if dir != "sdk" && (!strings.HasPrefix(dir, "sdk/") || strings.HasPrefix(dir, "sdk/mockserver")) {
			continue
		}
		for _, imp := range packageImports(t, dir) {
			checked++
			for _, f := range forbidden {
				if strings.HasPrefix(imp, f) {
					t.Errorf("%s imports %s: the SDK must stand alone", dir, imp)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d imports of the SDK; the walk lost its way", checked)
	}
}

// citation is what the repository must not contain: a pointer to a document outside it, a
// tracker issue number, or a rule by number instead of by name (ARCHITECTURE.md names them).
var citation = regexp.MustCompile(`(?i)` + `PRODUCT\.md` + `|` + `issue [0-9]` + `|` + `rule [0-9]`)

// citationsPending are files another change is rewriting, which still cite rules by number;
// remove an entry once its file is clean (the test fails while a clean file stays listed).
var citationsPending = []string{}

func TestArchitecture_NoOutsideCitations(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(files) < 100 {
		t.Fatalf("git ls-files listed only %d files", len(files))
	}
	for _, f := range files {
		if f == "CHANGELOG.md" { // history may say what it said then
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue // deleted in the work tree, or binary
		}
		var hits []string
		for i, line := range strings.Split(string(b), "\n") {
			if m := citation.FindString(line); m != "" {
				hits = append(hits, strconv.Itoa(i+1)+": "+m)
			}
		}
		pending := slices.Contains(citationsPending, f)
		switch {
		case len(hits) > 0 && !pending:
			t.Errorf("%s cites outside the repository or by number (name the rule, cite ARCHITECTURE.md):\n  %s",
				f, strings.Join(hits, "\n  "))
		case len(hits) == 0 && pending:
			t.Errorf("%s no longer cites by number: remove it from citationsPending", f)
		}
	}
}

// packageDirs lists the module's Go package folders (with a non-test .go file), relative and
// slash-separated, "." for the root; ignored folders (bin/, testdata, hidden) are skipped.
func packageDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "dist" ||
				name == "node_modules") {
				return filepath.SkipDir
			}
			if p != "." {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			dir := filepath.ToSlash(filepath.Dir(p))
			if !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d packages", len(dirs))
	}
	return dirs
}

// packageImports returns the imports of dir's non-test Go files.
func packageImports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var imps []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range af.Imports {
			p, _ := strconv.Unquote(s.Path.Value)
			imps = append(imps, p)
		}
	}
	return imps
}

func fileInAny(name string, dirs []string) bool {
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return true
		}
	}
	return false
}

func globUnderAny(pattern string, dirs []string) bool {
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, pattern)); len(m) > 0 {
			return true
		}
	}
	return false
}
