package sdk_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

func TestWithSlog(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen("", 503))
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, srv.URL, sdk.WithSlog(l), sdk.WithAuthScheme(sdk.AuthQuery))
	if _, err := c.GetToken(t.Context(), tokenID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), testSecret) {
		t.Fatalf("log leaks the secret: %s", buf.String())
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log = %q, want 2 lines", buf.String())
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"level": "DEBUG", "msg": "tokenhub: http request", "method": "GET",
			"path": "/api/v1/token/" + tokenID, "attempt": float64(i + 1), "status": []float64{503, 200}[i]}
		for k, v := range want {
			if rec[k] != v {
				t.Errorf("line %d: %s = %v, want %v (%s)", i, k, rec[k], v, line)
			}
		}
	}
}

// Below debug nothing is logged; WithSlog(nil) after WithLogger silences it.
func TestWithSlog_levelAndNil(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen(""))
	var buf bytes.Buffer
	c := newClient(t, srv.URL, sdk.WithSlog(slog.New(slog.NewTextHandler(&buf, nil))))
	if _, err := c.GetToken(t.Context(), tokenID); err != nil || buf.Len() != 0 {
		t.Errorf("err %v, log at info level = %q, want nothing", err, buf.String())
	}
	mem := &memLogger{}
	c = newClient(t, srv.URL, sdk.WithLogger(mem), sdk.WithSlog(nil))
	if _, err := c.GetToken(t.Context(), tokenID); err != nil || len(mem.all()) != 0 {
		t.Errorf("err %v, WithSlog(nil) left %d entries, want 0", err, len(mem.all()))
	}
}
