package mockserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

func TestDocs_OpenAPIDocumentWithoutAuth(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	r := admin.as("").do("GET", "/api/v1/api-docs", nil)
	expectStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q", ct)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	// The document itself, not an API model: read leniently (decode refuses fields it lacks).
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("decoding the document: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Paths["/api/v1/tokens"]["get"] == nil || doc.Paths["/api/v1/token/{tokenId}/rotate"] == nil {
		t.Fatalf("not the tokenhub document: %s...", r.body[:min(200, len(r.body))])
	}
}

func TestDocs_ExplorerAndAssets(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	c := admin.as("")
	page := c.do("GET", "/api-docs", nil)
	expectStatus(t, page, http.StatusOK)
	html := string(page.body)
	if !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(html, `url: "/api/v1/api-docs"`) || strings.Contains(html, "https://") {
		t.Fatalf("explorer page wrong or loads from a CDN:\n%s", html)
	}
	assets := map[string]string{
		"/api-docs/swagger-ui.css":                  "text/css",
		"/api-docs/swagger-ui-bundle.js":            "javascript",
		"/api-docs/swagger-ui-standalone-preset.js": "javascript",
		"/api-docs/favicon-32x32.png":               "image/png",
		"/api-docs/LICENSE":                         "text/plain",
	}
	for p, ct := range assets {
		r := c.do("GET", p, nil)
		expectStatus(t, r, http.StatusOK)
		if !strings.Contains(r.header.Get("Content-Type"), ct) || len(r.body) == 0 {
			t.Errorf("%s: Content-Type %q, %d bytes", p, r.header.Get("Content-Type"), len(r.body))
		}
	}
	expectStatus(t, c.do("GET", "/api-docs/secret.txt", nil), http.StatusNotFound)
	if r := c.do("GET", "/api-docs/", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), "swagger-ui") {
		t.Fatalf("/api-docs/ does not lead to the explorer: %d", r.status)
	}
}

// The catalogue served by GET /api/v1/scopes is the contract's ScopeName enum, in order.
func TestScopes_CatalogueMatchesContract(t *testing.T) {
	t.Parallel()
	spec, err := serverapi.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var enum []string
	for _, v := range spec.Components.Schemas["ScopeName"].Value.Enum {
		s, _ := v.(string)
		enum = append(enum, s)
	}
	if !slices.Equal(enum, allScopeNames()) {
		t.Fatalf("catalogue differs from the contract:\n%v\n%v", allScopeNames(), enum)
	}
	b, _ := json.Marshal(catalogue)
	if len(enum) != 53 || !json.Valid(b) {
		t.Fatalf("%d scopes", len(enum))
	}
}
