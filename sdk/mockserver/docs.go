package mockserver

import (
	"embed"
	"mime"
	"net/http"
	"path"
)

// swaggerFS holds the API explorer: our index.html plus assets copied from the npm package
// swagger-ui-dist 5.35.0 (Apache-2.0; its LICENSE is alongside). Served from the binary, so
// the explorer works offline.
//
//go:embed swaggerui/index.html swaggerui/swagger-ui.css swaggerui/swagger-ui-bundle.js swaggerui/swagger-ui-standalone-preset.js swaggerui/favicon-32x32.png swaggerui/LICENSE
var swaggerFS embed.FS

// serveSwaggerAsset serves /api-docs/{file}. No authentication, no faults.
func serveSwaggerAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "index.html" {
		http.Redirect(w, r, "/api-docs", http.StatusMovedPermanently)
		return
	}
	data, err := swaggerFS.ReadFile("swaggerui/" + name)
	if err != nil {
		newProblem(http.StatusNotFound, "not-found", "Not Found", "no such file: %s", r.URL.Path).write(w, r.URL.Path)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(data)
}
