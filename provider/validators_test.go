package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

func stringSet(t *testing.T, vals ...string) types.Set {
	t.Helper()
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}
	s, diags := types.SetValue(types.StringType, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return s
}

func TestScopesValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		set      types.Set
		wantErrs int
		wantText string
	}{
		{name: "valid", set: stringSet(t, "token.read", "members.read-all", "access-card.read-all", "gateway.read-all")},
		{name: "null", set: types.SetNull(types.StringType)},
		{name: "unknown", set: types.SetUnknown(types.StringType)},
		{name: "unknown scope", set: stringSet(t, "token.read", "members.list"), wantErrs: 1, wantText: "members.read-all"},
		{name: "irregular plural", set: stringSet(t, "access-cards.read-all"), wantErrs: 1, wantText: "access-card.read-all"},
		{name: "two bad", set: stringSet(t, "nope", "token.admin"), wantErrs: 2, wantText: "is not a tokenhub scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := validator.SetRequest{Path: path.Root("scopes"), ConfigValue: tt.set}
			var resp validator.SetResponse
			scopeValidator{}.ValidateSet(context.Background(), req, &resp)
			if got := resp.Diagnostics.ErrorsCount(); got != tt.wantErrs {
				t.Fatalf("got %d errors (%v), want %d", got, resp.Diagnostics, tt.wantErrs)
			}
			for _, d := range resp.Diagnostics {
				if !strings.Contains(d.Detail(), tt.wantText) || !strings.Contains(d.Detail(), "scopes") {
					t.Errorf("detail %q should name the attribute and contain %q", d.Detail(), tt.wantText)
				}
			}
		})
	}
}

// hosts returns n distinct addresses.
func hosts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.0.%d.%d", i/256, i%256)
	}
	return out
}

func TestIPSetValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		set      types.Set
		wantErrs int
	}{
		{"valid", ipSet(t, "10.0.0.1", "10.1.0.0/16", "2001:db8::/32"), 0},
		{"empty", ipSet(t), 0},
		{"null", types.SetNull(ipOrCIDRType{}), 0},
		{"bad cidr", ipSet(t, "10.0.0.1", "10.0.0.0/33"), 1},
		{"host bits", ipSet(t, "10.0.0.1/8"), 1},
		{"two bad", ipSet(t, "x", "y"), 2},
		{"same network twice", ipSet(t, "10.0.0.1", "10.0.0.1/32"), 1},
		{"100 entries", ipSet(t, hosts(100)...), 0},
		{"101 entries", ipSet(t, hosts(101)...), 1}, // the API's limit
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var resp validator.SetResponse
			ipSetValidator{}.ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("allowed_ips"), ConfigValue: tt.set}, &resp)
			if got := resp.Diagnostics.ErrorsCount(); got != tt.wantErrs {
				t.Fatalf("got %d errors (%v), want %d", got, resp.Diagnostics, tt.wantErrs)
			}
		})
	}
}

// TestValidatorsAgreeWithServer is the differential test of the plan-time checks: for each
// tricky input, the provider's validation of the resource config (the schema as Terraform
// runs it: attribute validators and custom types) refuses it, naming the attribute, exactly
// when the in-process reference server refuses it (400) in a create request.
func TestValidatorsAgreeWithServer(t *testing.T) {
	t.Parallel()
	// The server's clock is in 2000, so every timestamp below is in the future and only its
	// form decides.
	srv, err := mockserver.New(mockserver.WithClock(mockserver.NewFakeClock(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))),
		mockserver.WithRateLimit(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ps, err := providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: time.Now, getenv: noEnv})()
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		attr, value string
		accept      bool // what both must say
	}{
		{"expires_at", "2030-01-01T00:00:00Z", true},
		{"expires_at", "2030-01-01T00:00:00+23:59", true},
		{"expires_at", "2030-01-01T00:00:00-00:00", true},
		{"expires_at", "2030-01-01T00:00:00+00:60", false},
		{"expires_at", "2030-01-01T00:00:00+24:00", false},
		{"expires_at", "2030-01-01T00:00:00-24:00", false},
		{"expires_at", "2016-12-31T23:59:60Z", false}, // leap second
		{"expires_at", "2030-01-01t00:00:00z", true},  // RFC 3339 allows lower case
		{"expires_at", "2030-01-01 00:00:00", true},   // legacy form, UTC
		{"expires_at", "2030-01-01 00:00:00.5", false},
		{"expires_at", "2030-01-01T00:00:00,5Z", false},
		{"expires_at", "2006-01-02T15:04:05.999999999Z", true},
		{"expires_at", "2030-01-01T00:00:00", false},
		{"expires_at", "2030-02-30T00:00:00Z", false},
		{"expires_at", " 2030-01-01T00:00:00Z", false},
		{"expires_at", "", false},
		{"allowed_ips", "10.0.0.1", true},
		{"allowed_ips", "2001:DB8::/32", true},
		{"allowed_ips", "::ffff:10.0.0.1", true}, // IPv4-mapped IPv6
		{"allowed_ips", "fe80::1%eth0", false},
		{"allowed_ips", "10.0.0.1/33", false},
		{"allowed_ips", "10.0.0.1/8", false}, // host bits set
		{"allowed_ips", "010.0.0.1", false},  // leading zero
		{"allowed_ips", " 10.0.0.1", false},
		{"allowed_ips", "10.0.0.1 ", false},
		{"allowed_ips", "", false},
		{"name", "ci-deploy", true},
		{"name", "ｃｉ déploiement 🚀", true},
		{"name", strings.Repeat("é", 100), true},
		{"name", strings.Repeat("é", 101), false},
		{"name", "", false},
		{"name", "   ", false},
		{"name", "\u3164", false}, // Hangul filler: renders as nothing
		{"name", "invoice\u202etxt.exe", false},
		{"name", "a\x00b", false},
		{"name", "a\tb", false},
		{"name", "a\xed\xa0\x80", false}, // a lone surrogate (U+D800) as its bytes would be
		{"username", "svc-ci", true},
		{"username", "first.last@example.com", true},
		{"username", "svc ci", false},
		{"username", "émile", false},
		{"username", strings.Repeat("x", 65), false},
	}
	for _, tc := range cases {
		server := serverAccepts(t, srv, tc.attr, tc.value)
		provider, detail := providerAccepts(t, ps, tc.attr, tc.value)
		if server != tc.accept || provider != tc.accept {
			t.Errorf("%s = %q: server accepts %v, provider accepts %v (%s); want both %v",
				tc.attr, tc.value, server, provider, detail, tc.accept)
		}
	}
}

// serverAccepts creates a token (a member, for username) with the value and reports
// whether the server answered 201 rather than 400; anything else fails the test.
func serverAccepts(t *testing.T, srv *mockserver.Server, attr, value string) bool {
	t.Helper()
	path, body := "/api/v1/token", `{"name":"n","scopes":["token.read"]`
	switch attr {
	case "name":
		body = `{"scopes":["token.read"],"name":` + rawJSONString(value)
	case "allowed_ips":
		body += `,"allowed_ips":[` + rawJSONString(value) + `]`
	case "expires_at":
		body += `,"expires_at":` + rawJSONString(value)
	case "username":
		path, body = "/api/v1/members", `{"username":`+rawJSONString(value)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body+"}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+srv.AdminToken())
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusCreated:
		return true
	case http.StatusBadRequest:
		return false
	}
	t.Fatalf("%s = %q: server answered %d: %s", attr, value, rec.Code, rec.Body)
	return false
}

// rawJSONString quotes s for JSON but keeps its bytes as they are (json.Marshal would
// replace invalid UTF-8 with U+FFFD, and the server would see a different name).
func rawJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// providerAccepts runs the provider's config validation (ValidateResourceConfig, as
// terraform validate and plan do) on tokenhub_api_token, or tokenhub_member for username,
// with the value set and every other optional attribute null. A refusal must be an error
// diagnostic on the attribute; detail is the diagnostics, for the failure message.
func providerAccepts(t *testing.T, ps tfprotov6.ProviderServer, attr, value string) (ok bool, detail string) {
	t.Helper()
	typeName, set := "tokenhub_api_token", map[string]tftypes.Value{
		"name":   tftypes.NewValue(tftypes.String, "n"),
		"scopes": stringSetValue("token.read"),
	}
	switch attr {
	case "allowed_ips":
		set[attr] = stringSetValue(value)
	case "username":
		typeName, set = "tokenhub_member", map[string]tftypes.Value{"username": tftypes.NewValue(tftypes.String, value)}
	default:
		set[attr] = tftypes.NewValue(tftypes.String, value)
	}
	return configAccepted(t, validateConfig(t, ps, "resource", typeName, set), attr, value)
}

func stringSetValue(vals ...string) tftypes.Value {
	elems := make([]tftypes.Value, len(vals))
	for i, v := range vals {
		elems[i] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
}

// configAccepted reports whether diags hold no error; every error must be on attr.
func configAccepted(t *testing.T, diags []*tfprotov6.Diagnostic, attr, value string) (ok bool, detail string) {
	t.Helper()
	ok = true
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Summary+": "+d.Detail)
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		ok = false
		if d.Attribute == nil || len(d.Attribute.Steps()) == 0 || d.Attribute.Steps()[0] != tftypes.AttributeName(attr) {
			t.Errorf("%s = %q: error %q is not on the attribute (path %v)", attr, value, d.Summary, d.Attribute)
		}
	}
	return ok, strings.Join(msgs, "; ")
}

// validateConfig validates a config of the kind ("resource", "data", "ephemeral", "list")
// and type with the attributes in set and every other one null, as Terraform does at
// validate and plan.
func validateConfig(t *testing.T, ps tfprotov6.ProviderServer, kind, typeName string, set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	schemas, err := ps.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	schema := map[string]map[string]*tfprotov6.Schema{
		"resource": schemas.ResourceSchemas, "data": schemas.DataSourceSchemas,
		"ephemeral": schemas.EphemeralResourceSchemas, "list": schemas.ListResourceSchemas,
	}[kind][typeName]
	if schema == nil {
		t.Fatalf("no %s schema %s", kind, typeName)
	}
	objType, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("%s %s: schema is not an object", kind, typeName)
	}
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
		if v, ok := set[name]; ok {
			vals[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, vals))
	if err != nil {
		t.Fatal(err)
	}
	// Each kind has its own response type; all carry Diagnostics.
	var diags []*tfprotov6.Diagnostic
	switch kind {
	case "resource":
		var resp *tfprotov6.ValidateResourceConfigResponse
		if resp, err = ps.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &dv}); err == nil {
			diags = resp.Diagnostics
		}
	case "data":
		var resp *tfprotov6.ValidateDataResourceConfigResponse
		if resp, err = ps.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName, Config: &dv}); err == nil {
			diags = resp.Diagnostics
		}
	case "ephemeral":
		var resp *tfprotov6.ValidateEphemeralResourceConfigResponse
		if resp, err = ps.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: typeName, Config: &dv}); err == nil {
			diags = resp.Diagnostics
		}
	case "list":
		ls, ok := ps.(tfprotov6.ListResourceServer)
		if !ok {
			t.Fatal("the provider server does not serve list resources")
		}
		var resp *tfprotov6.ValidateListResourceConfigResponse
		if resp, err = ls.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: typeName, Config: &dv}); err == nil {
			diags = resp.Diagnostics
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return diags
}

// TestTokenNameRuleEverywhere: every attribute that holds a token's name (to create it, or
// to find it, as name_prefix) runs the API's name rule, not only the resource's.
func TestTokenNameRuleEverywhere(t *testing.T) {
	t.Parallel()
	ps, err := providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: time.Now, getenv: noEnv})()
	if err != nil {
		t.Fatal(err)
	}
	scopes := stringSetValue("token.read")
	for _, c := range []struct {
		kind, typeName, attr string
		withScopes           bool
	}{
		{"resource", "tokenhub_api_token", "name", true},
		{"ephemeral", "tokenhub_api_token", "name", true},
		{"data", "tokenhub_api_token", "name", false},
		{"data", "tokenhub_api_tokens", "name", false},
		{"data", "tokenhub_api_tokens", "name_prefix", false},
		{"list", "tokenhub_api_token", "name", false},
		{"list", "tokenhub_api_token", "name_prefix", false},
	} {
		for value, want := range map[string]bool{"ci-deploy": true, "invoice\u202etxt.exe": false, "   ": false} {
			set := map[string]tftypes.Value{c.attr: tftypes.NewValue(tftypes.String, value)}
			if c.withScopes {
				set["scopes"] = scopes
			}
			ok, detail := configAccepted(t, validateConfig(t, ps, c.kind, c.typeName, set), c.attr, value)
			if ok != want {
				t.Errorf("%s %s: %s = %q accepted %v (%s), want %v", c.kind, c.typeName, c.attr, value, ok, detail, want)
			}
		}
	}
}
