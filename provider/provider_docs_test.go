package provider

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
)

// The defaults the docs repeat are the ones the code applies. Every "`name` (default X)" or
// "`name` … Defaults to `X`" on a line of docs/, README.md or examples/ is compared with the
// value the provider uses: a resource schema's Default, or the constant the provider falls back
// to for an unset setting.
func TestDocs_StateTheDefaultsTheCodeApplies(t *testing.T) {
	t.Parallel()
	want := map[string]any{
		"ttl":             defaultEphemeralTTL,
		"expiry_warning":  defaultExpiryWarning,
		"request_timeout": defaultRequestTimeout,
		"max_retries":     defaultMaxRetries,
	}
	for name, v := range schemaDefaults(t) {
		if prev, ok := want[name]; ok && prev != v {
			t.Fatalf("%s defaults to %v in one schema and %v in another: the docs cannot state one default", name, prev, v)
		}
		want[name] = v
	}
	checked := 0
	for _, file := range docFiles(t) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(b), "\n") {
			for name, v := range want {
				re := regexp.MustCompile("`" + regexp.QuoteMeta(name) + "`[^\n]*?\\b[Dd]efault(?:s to)? `?([0-9A-Za-z.]+(?: (?:seconds?|minutes?|hours?|days?))?)`?")
				for _, m := range re.FindAllStringSubmatch(line, -1) {
					checked++
					if !sameDefault(v, m[1]) {
						t.Errorf("%s:%d says `%s` defaults to %q; the provider uses %v", file, n+1, name, m[1], v)
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("found %d stated defaults; the scan is broken", checked)
	}
}

// schemaDefaults reads every resource schema's Default, by attribute name.
func schemaDefaults(t *testing.T) map[string]any {
	t.Helper()
	ctx := context.Background()
	p := &tokenhubProvider{version: "test", now: time.Now}
	out := map[string]any{}
	for _, newResource := range p.Resources(ctx) {
		var resp fwresource.SchemaResponse
		newResource().Schema(ctx, fwresource.SchemaRequest{}, &resp)
		for name, a := range resp.Schema.Attributes {
			switch a := a.(type) {
			case schema.BoolAttribute:
				if a.Default != nil {
					var r defaults.BoolResponse
					a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: path.Root(name)}, &r)
					out[name] = r.PlanValue.ValueBool()
				}
			case schema.StringAttribute:
				if a.Default != nil {
					var r defaults.StringResponse
					a.Default.DefaultString(ctx, defaults.StringRequest{Path: path.Root(name)}, &r)
					out[name] = r.PlanValue.ValueString()
				}
			}
		}
	}
	if len(out) < 3 {
		t.Fatalf("found %d schema defaults", len(out))
	}
	return out
}

// docFiles are the pages a user reads: docs/, README.md and the examples.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"../README.md"}
	for _, root := range []string{"../docs", "../examples"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".hcl")) {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// sameDefault compares a stated default ("5m", "5 minutes", "7 days", "true", "4") with the
// value the code uses.
func sameDefault(v any, stated string) bool {
	switch v := v.(type) {
	case time.Duration:
		if d, err := time.ParseDuration(stated); err == nil {
			return d == v
		}
		var n int
		var unit string
		if _, err := fmt.Sscanf(stated, "%d %s", &n, &unit); err != nil {
			return false
		}
		per := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
		return time.Duration(n)*per[strings.TrimSuffix(unit, "s")] == v
	case int:
		return stated == strconv.Itoa(v)
	case bool:
		return stated == strconv.FormatBool(v)
	case string:
		return stated == v
	}
	return false
}
