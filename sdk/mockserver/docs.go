package mockserver

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

//go:generate go run ./internal/specjson ../../openapi.yaml openapi.gen.json

// openAPIJSON is openapi.yaml as written (key order, operationIds, examples), converted to JSON
// by internal/specjson. The generated server's embedded spec is not served: it renames
// operationIds and sorts keys.
//
//go:embed openapi.gen.json
var openAPIJSON []byte

// docMember is one top-level member of the served document, in written order.
type docMember struct {
	key string
	raw json.RawMessage
}

// openAPIDoc is openAPIJSON split into its top-level members once, so that each request only
// swaps in its own servers entry.
var openAPIDoc = mustSplitDoc(openAPIJSON)

func mustSplitDoc(doc []byte) []docMember {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		panic(fmt.Sprintf("mockserver: openapi.gen.json is not a JSON object (%v)", err))
	}
	var out []docMember
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			panic("mockserver: openapi.gen.json: " + err.Error())
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			panic("mockserver: openapi.gen.json: " + err.Error())
		}
		out = append(out, docMember{key, raw})
	}
	return out
}

// apiDocument is the OpenAPI document as served: as written, except that servers names the
// origin that answered, so the raw document (and the explorer's "Try it out") works for a
// server on any address.
type apiDocument struct{ origin string }

func (d apiDocument) VisitGetAPIDocsResponse(w http.ResponseWriter) error {
	servers, err := json.Marshal([]map[string]string{{
		"url":         d.origin,
		"description": "This server: the origin that served this document.",
	}})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range openAPIDoc {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		if m.key == "servers" {
			b.Write(servers)
		} else {
			b.Write(m.raw)
		}
	}
	b.WriteString("}\n")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Vary", "Host") // the servers entry depends on it
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b.Bytes())
	return err
}

type originKey struct{}

// originMiddleware hands GetAPIDocs the origin of its request (the strict handler sees only
// the context).
func originMiddleware(f serverapi.StrictHandlerFunc, operationID string) serverapi.StrictHandlerFunc {
	if operationID != "GetAPIDocs" {
		return f
	}
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
		return f(context.WithValue(ctx, originKey{}, requestOrigin(r)), w, r, req)
	}
}

// originFrom is the origin originMiddleware recorded, or "/" (relative to the document).
func originFrom(ctx context.Context) string {
	if o, ok := ctx.Value(originKey{}).(string); ok {
		return o
	}
	return "/"
}

// requestOrigin is scheme://host of the request as the client addressed it. A Host header
// that is not a plain host[:port] gives "/": the document's own origin, by OpenAPI's rules
// for relative server URLs.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u, err := url.Parse(scheme + "://" + r.Host)
	if r.Host == "" || err != nil || u.Host != r.Host || u.User != nil || u.Path != "" || u.RawQuery != "" {
		return "/"
	}
	return u.Scheme + "://" + u.Host
}

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
