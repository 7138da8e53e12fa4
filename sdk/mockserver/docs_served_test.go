package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// servedDoc fetches /api/v1/api-docs with the given Host header ("" for the URL's own).
func servedDoc(t *testing.T, ts *TestServer, host string) (raw []byte, doc map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/api-docs", nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err = io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", res.StatusCode, err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return raw, doc
}

func serverURL(t *testing.T, doc map[string]any) string {
	t.Helper()
	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 {
		t.Fatalf("servers = %v, want one entry", doc["servers"])
	}
	u, _ := servers[0].(map[string]any)["url"].(string)
	return u
}

// The servers entry is the origin that answered, so the raw document works for a server on
// any address; a Host header that is not a plain host[:port] is not echoed.
func TestDocs_ServersEntryIsTheServersOrigin(t *testing.T) {
	t.Parallel()
	ts, _ := newTS(t)
	tests := map[string]struct{ host, want string }{
		"own address":   {"", ts.URL},
		"another name":  {"tokenhub.internal:9443", "http://tokenhub.internal:9443"},
		"ipv6":          {"[::1]:8080", "http://[::1]:8080"},
		"path injected": {"evil.test/x", "/"},
		"userinfo":      {"user@evil.test", "/"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, doc := servedDoc(t, ts, tt.host)
			if got := serverURL(t, doc); got != tt.want {
				t.Fatalf("servers[0].url = %q, want %q", got, tt.want)
			}
		})
	}
}

// The served document is openapi.yaml as written: same content (servers aside), the
// operationIds as spelled there, and the keys in written order, which is what the explorer
// shows (bearerAuth first in the Authorize dialog).
func TestDocs_ServedDocumentIsTheContractAsWritten(t *testing.T) {
	t.Parallel()
	ts, _ := newTS(t)
	raw, served := servedDoc(t, ts, "")

	src, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var written any
	if err := yaml.Unmarshal(src, &written); err != nil {
		t.Fatal(err)
	}
	// Through JSON, so both sides have the same Go types.
	b, err := json.Marshal(written)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	delete(want, "servers")
	delete(served, "servers")
	if !reflect.DeepEqual(want, served) {
		t.Fatal("the served document differs from openapi.yaml (run go generate ./... ?)")
	}

	ops := 0
	paths, _ := want["paths"].(map[string]any)
	for _, item := range paths {
		methods, _ := item.(map[string]any)
		for _, op := range methods {
			opMap, _ := op.(map[string]any) // "parameters" is a list
			if id, ok := opMap["operationId"].(string); ok {
				ops++
				if !bytes.Contains(raw, []byte(`"operationId": "`+id+`"`)) || id[0] < 'a' || id[0] > 'z' {
					t.Errorf("operationId %q not served as written", id)
				}
			}
		}
	}
	if ops < 10 {
		t.Fatalf("only %d operations", ops)
	}
	s := string(raw)
	bearer, header, query := strings.Index(s, `"bearerAuth": {`), strings.Index(s, `"apiTokenAuth": {`), strings.Index(s, `"apiTokenQuery": {`)
	if bearer < 0 || bearer > header || header > query {
		t.Fatalf("security schemes not in written order: bearerAuth@%d apiTokenAuth@%d apiTokenQuery@%d", bearer, header, query)
	}
}
