package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// knownScope reports whether name is in the catalogue, and if not, suggests the
// catalogue names of the same family ("members.list" -> members.*).
func knownScope(name string) (ok bool, suggestions []string) {
	family, _, _ := strings.Cut(name, ".")
	for _, s := range sdk.AllScopes() {
		if string(s) == name {
			return true, nil
		}
		if f, _, _ := strings.Cut(string(s), "."); f == family || strings.TrimSuffix(f, "s") == strings.TrimSuffix(family, "s") {
			suggestions = append(suggestions, string(s))
		}
	}
	return false, suggestions
}

// scopeValidator checks scope names against the catalogue (sdk.AllScopes), so a typo fails
// the plan, not the apply: one name (a filter) or each element of a set (scopes,
// permissions), with the catalogue names of the same family as suggestions.
type scopeValidator struct{}

func (scopeValidator) Description(context.Context) string {
	return "must be a scope from the tokenhub catalogue"
}

func (v scopeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (scopeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(checkScope(req.Path, req.Path, req.ConfigValue.ValueString())...)
}

func (scopeValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			resp.Diagnostics.Append(checkScope(req.Path.AtSetValue(s), req.Path, s.ValueString())...)
		}
	}
}

// checkScope is the error for a name that is not a scope, at at, naming the attribute attr.
func checkScope(at, attr path.Path, name string) diag.Diagnostics {
	var diags diag.Diagnostics
	if known, suggestions := knownScope(name); !known {
		diags.AddAttributeError(at, "Invalid Scope",
			fmt.Sprintf("Attribute %s: %q is not a tokenhub scope. %s", attr, name, scopeHint(suggestions)))
	}
	return diags
}

// scopeHint says where to look for the right scope name.
func scopeHint(suggestions []string) string {
	if len(suggestions) > 0 {
		return "Did you mean one of these: " + strings.Join(suggestions, ", ") + "?"
	}
	return "The tokenhub_scopes data source lists the catalogue (docs: guides/scopes)."
}

// The API's input rules come from the SDK (package validate), which the server runs on every
// request: the provider refuses at plan exactly what apply would be refused for.

// refusedValue is the detail of a diagnostic for a value validate refused with a predicate
// ("must be ...", "has ..."): the attribute, the value, the rule.
func refusedValue(p path.Path, value string, err error) string {
	return fmt.Sprintf("Attribute %s %q %s.", p, value, err)
}

// refusedIP is the detail for an allowed_ips entry; validate.AllowedIP's errors name the
// value themselves and may end in a question.
func refusedIP(p path.Path, err error) string {
	msg := err.Error()
	if !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	return fmt.Sprintf("Attribute %s: %s", p, msg)
}

// tokenNameValidator is validate.TokenName at plan time: one error per broken rule.
type tokenNameValidator struct{}

func (tokenNameValidator) Description(context.Context) string {
	return fmt.Sprintf("must be 1–%d characters, not blank, without control or bidirectional control characters",
		validate.MaxTokenNameLen)
}

func (v tokenNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (tokenNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	for _, e := range validate.Problems(validate.TokenName(name)) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Token Name", refusedValue(req.Path, name, e))
	}
}

// usernameValidator is validate.Username at plan time.
type usernameValidator struct{}

func (usernameValidator) Description(context.Context) string { return validate.UsernameRule }

func (v usernameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (usernameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validate.Username(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Username",
			refusedValue(req.Path, req.ConfigValue.ValueString(), err))
	}
}

// ipSetValidator checks allowed_ips as the API does: each element (validate.AllowedIP), no
// two spellings of one range, at most validate.MaxAllowedIPs. The element type validates
// itself too, but the framework does not run element-type validation for every code path,
// so this keeps plan-time errors certain.
type ipSetValidator struct{}

func (ipSetValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d IPv4/IPv6 addresses or CIDR ranges", validate.MaxAllowedIPs)
}

func (v ipSetValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (ipSetValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := len(req.ConfigValue.Elements()); n > validate.MaxAllowedIPs {
		resp.Diagnostics.AddAttributeError(req.Path, "Too Many IP Addresses or CIDR Ranges",
			fmt.Sprintf("Attribute %s has %d entries; the API allows at most %d. Merge addresses into wider ranges.",
				req.Path, n, validate.MaxAllowedIPs))
	}
	var seen []string
	for _, e := range req.ConfigValue.Elements() {
		ip, ok := e.(ipOrCIDRValue)
		if !ok || ip.IsNull() || ip.IsUnknown() {
			continue
		}
		p, err := validate.AllowedIP(ip.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtSetValue(ip), "Invalid IP Address or CIDR Range",
				refusedIP(req.Path, err))
			continue
		}
		if slices.Contains(seen, p.String()) {
			resp.Diagnostics.AddAttributeError(req.Path.AtSetValue(ip), "Duplicate IP Address or CIDR Range",
				fmt.Sprintf("Attribute %s lists %s more than once (%q is another spelling of it); remove the duplicate.",
					req.Path, p, ip.ValueString()))
		}
		seen = append(seen, p.String())
	}
}
