package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
