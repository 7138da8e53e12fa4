package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestTFLogAdapterMasksSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	configured := "custom-secret-without-prefix"
	tflogAdapter{token: configured}.Log(ctx, "tokenhub: http request thk_AbC123", map[string]any{
		"method": "POST", "path": "/api/v1/token", "status": 201, "attempt": 1,
		"error": "echo thk_Zz9 and " + configured, "token": "anything", "authorization": "Bearer x",
	})
	out := buf.String()
	for _, leaked := range []string{"thk_AbC123", "thk_Zz9", configured, "Bearer x", "anything"} {
		if strings.Contains(out, leaked) {
			t.Errorf("log leaks %q: %s", leaked, out)
		}
	}
	for _, kept := range []string{`"method":"POST"`, `"path":"/api/v1/token"`, `"status":201`, `"attempt":1`} {
		if !strings.Contains(out, kept) {
			t.Errorf("log lacks %s: %s", kept, out)
		}
	}
}
