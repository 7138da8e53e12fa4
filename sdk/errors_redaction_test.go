package sdk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// otherSecret is a secret the client does not hold (another token's, as a hostile server
// could echo): token-shaped, so it is redacted all the same.
const otherSecret = "thk_OTHERsecretVALUEabcdefghijklmnop5678"

// secretTraces are the parts of a secret that must appear nowhere.
var secretTraces = []string{testSecret, strings.TrimPrefix(testSecret, "thk_"), otherSecret, strings.TrimPrefix(otherSecret, "thk_")}

// TestErrors_hostileServerLeaksNoSecret: a server that echoes secrets (the client's own and
// another token's) in response headers (names and values), in every field of a problem, in a
// body that is not a problem, in a success body the client cannot decode, in a redirect and
// in a repeated cursor gets neither into the error, whichever way it is printed
// (Error, %+v, %#v, JSON, a slog record, each error of its chain, errors.As'd *APIError),
// nor into the SDK's log.
func TestErrors_hostileServerLeaksNoSecret(t *testing.T) {
	t.Parallel()
	echoHeaders := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Echo", r.Header.Get("Authorization"))
		h.Set("X-Other", "other="+otherSecret)
		h.Set("X-"+testSecret, "in the name")
		h.Set("Www-Authenticate", `Bearer error="invalid_token", token="`+testSecret+`"`)
		h.Set("X-Request-Id", "req-"+otherSecret)
		h.Set("Retry-After", "1")
	}
	servers := map[string]func(n int, w http.ResponseWriter, r *http.Request){
		"problem": func(_ int, w http.ResponseWriter, r *http.Request) {
			echoHeaders(w, r)
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"type": "https://tokenhub.dev/problems/" + testSecret, "title": "Unauthorized " + otherSecret,
				"status": 401, "detail": "bad token " + r.Header.Get("Authorization") + " and " + otherSecret,
				"instance": "/api/v1/token/" + testSecret,
				"errors":   []sdk.FieldError{{Field: "token." + testSecret, Message: "is " + otherSecret}},
			})
		},
		"not a problem": func(_ int, w http.ResponseWriter, r *http.Request) {
			echoHeaders(w, r)
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "upstream said: %s %s", r.Header.Get("Authorization"), otherSecret)
		},
		"undecodable success": func(_ int, w http.ResponseWriter, r *http.Request) {
			echoHeaders(w, r)
			doc := tokenJSON(tokenID, "x")
			doc["created_at"] = otherSecret + " " + testSecret // a time that does not parse, with its value in the error
			doc["items"] = []any{map[string]any{"id": testSecret}}
			writeJSON(w, http.StatusOK, doc)
		},
		"redirect": func(_ int, w http.ResponseWriter, r *http.Request) {
			echoHeaders(w, r)
			http.Redirect(w, r, "/api/v1/token/"+otherSecret+"?k="+testSecret, http.StatusFound)
		},
		"repeated cursor": func(_ int, w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"items": []any{}, "next_cursor": testSecret + otherSecret})
		},
	}
	for name, h := range servers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var logged bytes.Buffer
			log := &memLogger{}
			srv := newFake(t, h)
			clients := map[string]*sdk.Client{
				"logger": newClient(t, srv.URL, sdk.WithRetryMax(0), sdk.WithLogger(log)),
				"slog":   newClient(t, srv.URL, sdk.WithRetryMax(0), sdk.WithSlog(slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})))),
			}
			for cname, c := range clients {
				errs := map[string]error{}
				_, errs["get"] = c.GetToken(t.Context(), tokenID)
				_, errs["list"] = c.ListTokens(t.Context(), sdk.ListOptions{Cursor: testSecret + otherSecret})
				for _, err := range c.Tokens(t.Context(), sdk.ListOptions{}) {
					if err != nil {
						errs["iterate"] = err
						break
					}
				}
				failed := 0
				for op, err := range errs {
					if err != nil {
						failed++
						checkNoSecret(t, cname+" "+op, err)
					}
				}
				if failed == 0 {
					t.Fatalf("%s: no call failed against a hostile server", cname)
				}
			}
			for _, e := range log.all() {
				if s := fmt.Sprintf("%+v", e.Fields); hasSecret(s) {
					t.Errorf("SDK log record leaks a secret: %s", s)
				}
			}
			if hasSecret(logged.String()) {
				t.Errorf("SDK slog output leaks a secret: %s", logged.String())
			}
		})
	}
}

// checkNoSecret prints err every way a caller or a logger might and fails on any secret.
func checkNoSecret(t *testing.T, what string, err error) {
	t.Helper()
	var chain []error
	for e := err; e != nil; e = errors.Unwrap(e) {
		chain = append(chain, e)
	}
	var apiErr *sdk.APIError
	if errors.As(err, &apiErr) {
		chain = append(chain, apiErr)
		if len(apiErr.Header) == 0 {
			t.Errorf("%s: the headers were dropped instead of redacted", what)
		}
	}
	for i, e := range chain {
		var jsonText, slogText bytes.Buffer
		_ = json.NewEncoder(&jsonText).Encode(e)
		slog.New(slog.NewJSONHandler(&slogText, nil)).Error("failed", "err", e)
		slog.New(slog.NewTextHandler(&slogText, nil)).Error("failed", "err", e, "detail", fmt.Sprintf("%+v", e))
		for how, s := range map[string]string{
			"Error()": e.Error(), "%+v": fmt.Sprintf("%+v", e), "%#v": fmt.Sprintf("%#v", e), "%v": fmt.Sprint(e),
			"JSON": jsonText.String(), "slog": slogText.String(),
		} {
			if hasSecret(s) {
				t.Errorf("%s: error %d of the chain (%T), printed with %s, leaks a secret:\n%s", what, i, e, how, s)
			}
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v %#v", err, apiErr), "[REDACTED]") {
		t.Errorf("%s: nothing redacted in %+v", what, err)
	}
}

func hasSecret(s string) bool {
	for _, trace := range secretTraces {
		if strings.Contains(s, trace) {
			return true
		}
	}
	return false
}
