package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/provider"
)

// readDoc returns a generated docs page.
func readDoc(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every resource, data source and ephemeral resource page says which scopes the provider's
// own token needs.
func TestDocPages_SayWhichScopesTheProviderNeeds(t *testing.T) {
	t.Parallel()
	pages, _ := filepath.Glob("docs/*/*.md")
	n := 0
	for _, p := range pages {
		if strings.HasPrefix(p, filepath.Join("docs", "guides")) {
			continue
		}
		n++
		doc := readDoc(t, p)
		i := strings.Index(doc, "\n## Permissions\n")
		if i < 0 {
			t.Errorf("%s has no Permissions section", p)
			continue
		}
		section, _, _ := strings.Cut(doc[i+1:], "\n## Example Usage")
		if !regexp.MustCompile("`(token|members)\\.[a-z-]+`|no scope is needed").MatchString(section) {
			t.Errorf("%s: the Permissions section names no scope:\n%s", p, section)
		}
	}
	if n < 5 {
		t.Fatalf("checked %d pages, want at least 5", n)
	}
}

// The resource page is structured like the best token docs: a short description, then headed
// sections with note boxes, the long prose written once (not repeated in the front matter).
func TestDocPages_ResourcePageStructure(t *testing.T) {
	t.Parallel()
	doc := readDoc(t, "docs/resources/api_token.md")
	front, body, _ := strings.Cut(strings.TrimPrefix(doc, "---\n"), "\n---\n")
	if len(front) > 600 {
		t.Errorf("the front matter description is %d bytes: keep the long prose in the template, once", len(front))
	}
	last := -1
	for _, h := range []string{"## Permissions", "## Example Usage", "## Changes", "## Drift", "## Expiry", "## Rotation", "## Import", "## Schema"} {
		i := strings.Index(body, "\n"+h+"\n")
		if i < 0 || i < last {
			t.Errorf("section %q missing or out of order", h)
		}
		last = i
	}
	for _, want := range []string{"\n-> **Edits outside Terraform are reverted in place.**", "\n~> **Revoked or purged outside Terraform",
		"import {", "-generate-config-out", "/api/v1/tokens?name=", "changing `owner` replaces the token", "## Owners and shared tokens", "owner_disabled"} {
		if !strings.Contains(body, want) {
			t.Errorf("the resource page lacks %q", want)
		}
	}
	for _, para := range []string{"A token disabled outside Terraform shows", "Rotating issues a new secret"} {
		if c := strings.Count(doc, para); c != 1 {
			t.Errorf("%q appears %d times, want once", para, c)
		}
	}
}

// The support statement is written once, in README.md, and the docs link to it.
func TestDocPages_OneSupportStatement(t *testing.T) {
	t.Parallel()
	readme := readDoc(t, "README.md")
	if !strings.Contains(readme, "\n### Supported Terraform and OpenTofu versions\n") {
		t.Fatal("README.md has no support table heading")
	}
	link := "https://github.com/tokenhub/terraform-provider-tokenhub#supported-terraform-and-opentofu-versions"
	for _, p := range []string{"docs/index.md", "docs/ephemeral-resources/api_token.md"} {
		doc := readDoc(t, p)
		if !strings.Contains(doc, link) {
			t.Errorf("%s does not link to the support table", p)
		}
		if regexp.MustCompile(`tested with (Terraform|OpenTofu) \d`).MatchString(doc) {
			t.Errorf("%s states tested versions itself; link to the table instead", p)
		}
	}
}

// contractScopes reads openapi.yaml: the scope catalogue, and for each API call
// ("GET /api/v1/token/{}", path parameters blanked) the scope its description states
// ("Requires scope `x`"), or "" when any valid token may call it.
func contractScopes(t *testing.T) (catalogue map[string]bool, calls map[string]string) {
	t.Helper()
	spec, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	catalogue = map[string]bool{}
	for _, v := range spec.Components.Schemas["ScopeName"].Value.Enum {
		name, ok := v.(string)
		if !ok {
			t.Fatalf("ScopeName enum holds %T, want strings", v)
		}
		catalogue[name] = true
	}
	requires := regexp.MustCompile("Requires scope `([^`]+)`")
	calls = map[string]string{}
	for p, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			call := method + " " + blankParams(p)
			if m := requires.FindStringSubmatch(op.Description); m != nil {
				calls[call] = m[1]
			} else if strings.Contains(op.Description, "Any valid token may call it") {
				calls[call] = ""
			}
		}
	}
	if len(catalogue) < 50 || len(calls) < 10 {
		t.Fatalf("read %d scopes and %d calls from openapi.yaml", len(catalogue), len(calls))
	}
	return catalogue, calls
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

func blankParams(p string) string { return pathParam.ReplaceAllString(p, "{}") }

// The Permissions sections pair each API call with the scope the contract requires for it:
// in a table, on the call's row; in prose, the scope named last before the call
// ("needs `token.read` to … (`GET /api/v1/token/{id}`)").
func TestDocPages_PermissionsMatchTheContract(t *testing.T) {
	t.Parallel()
	_, calls := contractScopes(t)
	callRE := regexp.MustCompile("`(GET|POST|PATCH|DELETE) ([^` ?]+)[^`]*`")
	scopeRE := regexp.MustCompile("`([a-z-]+\\.[a-z*-]+)`")
	// resolve finds the contract's call for a documented one; "…/rotate" abbreviates a path.
	resolve := func(method, p string) (string, bool) {
		p = blankParams(p)
		if suffix, ok := strings.CutPrefix(p, "…"); ok {
			for c := range calls {
				if strings.HasPrefix(c, method+" ") && strings.HasSuffix(c, suffix) {
					return c, true
				}
			}
			return "", false
		}
		_, ok := calls[method+" "+p]
		return method + " " + p, ok
	}
	pages, _ := filepath.Glob("docs/*/*.md")
	checked := 0
	for _, p := range pages {
		doc := readDoc(t, p)
		i := strings.Index(doc, "\n## Permissions\n")
		if i < 0 {
			continue
		}
		section, _, _ := strings.Cut(doc[i+len("\n## Permissions\n"):], "\n## ")
		var prose strings.Builder
		for _, line := range strings.Split(section, "\n") {
			if !strings.HasPrefix(line, "|") {
				prose.WriteString(line + "\n")
				continue
			}
			var scopes []string
			for _, m := range scopeRE.FindAllStringSubmatch(line, -1) {
				scopes = append(scopes, m[1])
			}
			for _, m := range callRE.FindAllStringSubmatch(line, -1) {
				checked++
				call, ok := resolve(m[1], m[2])
				if !ok {
					t.Errorf("%s: %s %s is no call of the contract", p, m[1], m[2])
				} else if !slices.Contains(scopes, calls[call]) {
					t.Errorf("%s: the row of %s names %v; the contract requires %q", p, call, scopes, calls[call])
				}
			}
		}
		text := prose.String()
		last := ""
		for _, loc := range regexp.MustCompile(callRE.String()+"|"+scopeRE.String()).FindAllStringSubmatchIndex(text, -1) {
			if loc[2] < 0 { // a scope
				last = text[loc[6]:loc[7]]
				continue
			}
			checked++
			method, path := text[loc[2]:loc[3]], text[loc[4]:loc[5]]
			call, ok := resolve(method, path)
			switch {
			case !ok:
				t.Errorf("%s: %s %s is no call of the contract", p, method, path)
			case calls[call] == "" && !strings.Contains(text, "no scope is needed"):
				t.Errorf("%s: any valid token may call %s; say \"no scope is needed\"", p, call)
			case calls[call] != "" && last != calls[call]:
				t.Errorf("%s: %s is documented with the scope %q; the contract requires %q", p, call, last, calls[call])
			}
			last = ""
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d documented calls; the parsing is broken", checked)
	}
}

// Every scope name the docs, README and examples show (`token.read`, "members.read-all": a
// catalogue family, a dot, a name) is in the contract's catalogue.
func TestDocPages_ScopeNamesAreInTheCatalogue(t *testing.T) {
	t.Parallel()
	catalogue, _ := contractScopes(t)
	families := map[string]bool{}
	for s := range catalogue {
		f, _, _ := strings.Cut(s, ".")
		families[f] = true
	}
	files, _ := filepath.Glob("docs/*/*.md")
	files = append(files, "README.md", "docs/index.md")
	err := filepath.WalkDir("examples", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nameRE := regexp.MustCompile("[`\"]([a-z-]+)\\.([a-z-]+)[`\"]")
	seen := 0
	for _, p := range files {
		for _, m := range nameRE.FindAllStringSubmatch(readDoc(t, p), -1) {
			if !families[m[1]] {
				continue
			}
			seen++
			if name := m[1] + "." + m[2]; !catalogue[name] {
				t.Errorf("%s names the scope %s, which is not in the contract's catalogue", p, name)
			}
		}
	}
	if seen < 50 {
		t.Fatalf("found %d scope names in %d files; the scan is broken", seen, len(files))
	}
}

// The adoption guide's sample of `terraform query -generate-config-out` lists the arguments
// Terraform writes for a token: every argument of the resource's schema (required or
// optional; Terraform writes unset ones as null), and only those. scripts/query-adopt.sh runs
// the real command in CI.
func TestDocPages_AdoptionSampleListsEveryArgument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var args []string
	for _, newResource := range provider.New("test")().Resources(ctx) {
		r := newResource()
		var meta fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "tokenhub"}, &meta)
		if meta.TypeName != "tokenhub_api_token" {
			continue
		}
		var resp fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &resp)
		for name, a := range resp.Schema.Attributes {
			if a.IsRequired() || a.IsOptional() {
				args = append(args, name)
			}
		}
	}
	if len(args) < 5 {
		t.Fatalf("found %d arguments of tokenhub_api_token", len(args))
	}
	slices.Sort(args)
	doc := readDoc(t, "docs/guides/adopting-existing-tokens.md")
	block := regexp.MustCompile(`(?s)resource "tokenhub_api_token" "ci_0" \{\n(.*?)\n *\}`).FindStringSubmatch(doc)
	if block == nil {
		t.Fatal("the guide has no generated tokenhub_api_token block")
	}
	var shown []string
	for _, m := range regexp.MustCompile(`(?m)^ *([a-z_]+) += `).FindAllStringSubmatch(block[1], -1) {
		if m[1] != "provider" {
			shown = append(shown, m[1])
		}
	}
	if !slices.Equal(shown, args) {
		t.Errorf("the guide's generated block shows %v; Terraform writes the schema's arguments %v, in that order", shown, args)
	}
}

// The index's permission table has a row for every page with a Permissions section, naming the
// scopes that section names: the index once left token.update out for the ephemeral resource,
// which needs it to renew its token.
func TestDocPages_IndexPermissionsMatchThePages(t *testing.T) {
	t.Parallel()
	scopeRE := regexp.MustCompile("`([a-z-]+\\.[a-z-]+)`")
	scopes := func(text string) []string {
		var out []string
		for _, m := range scopeRE.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
		slices.Sort(out)
		return out
	}
	dirs := map[string]string{"resource": "resources", "data source": "data-sources", "ephemeral resource": "ephemeral-resources", "list resource": "list-resources"}
	rowRE := regexp.MustCompile("(?m)^\\| `(tokenhub_[a-z_]+)` (resource|data source|ephemeral resource|list resource) \\|([^\\n]*)\\|$")
	rows := map[string]bool{}
	for _, m := range rowRE.FindAllStringSubmatch(readDoc(t, "docs/index.md"), -1) {
		page := filepath.Join("docs", dirs[m[2]], strings.TrimPrefix(m[1], "tokenhub_")+".md")
		rows[page] = true
		doc := readDoc(t, page)
		i := strings.Index(doc, "\n## Permissions\n")
		if i < 0 {
			t.Errorf("%s has no Permissions section", page)
			continue
		}
		section, _, _ := strings.Cut(doc[i+len("\n## Permissions\n"):], "\n## ")
		if got, want := scopes(m[3]), scopes(section); !slices.Equal(got, want) {
			t.Errorf("docs/index.md lists %v for the %s %s; its page %s names %v", got, m[1], m[2], page, want)
		}
	}
	pages, _ := filepath.Glob("docs/*/*.md")
	for _, p := range pages {
		if strings.Contains(readDoc(t, p), "\n## Permissions\n") && !rows[p] {
			t.Errorf("%s has a Permissions section and no row in docs/index.md's permission table", p)
		}
	}
	if len(rows) < 8 {
		t.Fatalf("found %d rows in the index's permission table", len(rows))
	}
}

// Where README says `terraform query` needs Terraform ≥ 1.14, the same paragraph says how to
// get one (scripts/terraform-path.sh builds it): a reader with an older CLI is not left stuck.
func TestReadme_SaysHowToGetATerraformForQuery(t *testing.T) {
	t.Parallel()
	found := false
	for _, para := range strings.Split(readDoc(t, "README.md"), "\n\n") {
		if !strings.Contains(para, "`terraform query`") || !strings.Contains(para, "Terraform ≥ 1.14") || strings.Contains(para, "support-matrix") {
			continue
		}
		found = true
		if !regexp.MustCompile("`\"?\\$?\\(?scripts/terraform-path\\.sh [a-z0-9.]+").MatchString(para) {
			t.Errorf("README says `terraform query` needs Terraform ≥ 1.14 without saying how to get one:\n%s", para)
		}
	}
	if !found {
		t.Fatal("README no longer says which Terraform `terraform query` needs")
	}
}
