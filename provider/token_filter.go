package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The filters the tokenhub_api_tokens data source and the tokenhub_api_token list resource
// share: one definition of each attribute (tokenFilterAttrs), of the model (tokenFilterModel)
// and of how a token is matched (tokenFilter). Each adds its own: the data source
// expires_before, the list resource owner and expiring_within.

// tokenFilterAttr is a filter attribute, for either schema package.
type tokenFilterAttr struct {
	description string
	validators  []validator.String
}

// tokenFilterAttrs are the shared filter attributes, by name.
var tokenFilterAttrs = map[string]tokenFilterAttr{
	"name": {"Only tokens with exactly this name (filtered by the server).", []validator.String{tokenNameValidator{}}},
	"name_prefix": {"Only tokens whose name starts with this (case-sensitive; filtered by the server).",
		[]validator.String{tokenNameValidator{}}},
	"status": {"Only tokens with this status: `active`, `disabled` or `expired` (filtered by the server).",
		[]validator.String{stringvalidator.OneOf(string(sdk.StatusActive), string(sdk.StatusDisabled), string(sdk.StatusExpired))}},
	"scope": {"Only tokens holding this scope, such as `token.read` (the `tokenhub_scopes` data source lists the " +
		"catalogue; filtered by the provider, on every page of the listing).", []validator.String{scopeValidator{}}},
	"unused_for": {unusedForDescription, []validator.String{durationRange{min: 0, max: maxDuration}}},
}

// withTokenFilters adds the shared filter attributes to attrs, built by attr for the
// caller's schema package.
func withTokenFilters[A any](attrs map[string]A, attr func(tokenFilterAttr) A) map[string]A {
	for name, f := range tokenFilterAttrs {
		attrs[name] = attr(f)
	}
	return attrs
}

// tokenFilterModel is the shared filters in a configuration.
type tokenFilterModel struct {
	Name       types.String `tfsdk:"name"`
	NamePrefix types.String `tfsdk:"name_prefix"`
	Status     types.String `tfsdk:"status"`
	Scope      types.String `tfsdk:"scope"`
	UnusedFor  types.String `tfsdk:"unused_for"`
}

// filter is the configured shared filters, unused_for relative to now.
func (m tokenFilterModel) filter(now time.Time) (tokenFilter, diag.Diagnostics) {
	f := tokenFilter{name: m.Name.ValueString(), status: m.Status.ValueString(), scope: m.Scope.ValueString(),
		namePrefix: m.NamePrefix.ValueString()}
	return f, f.setUnusedFor(m.UnusedFor, now)
}

// unusedForDescription documents unused_for, the same on the data source and the list resource.
const unusedForDescription = "Only tokens not used for this Go duration, such as `2160h` (90 days): last used " +
	"before now minus this, or never used and created before it. Now is the provider's clock when the " +
	"listing is read (at plan, or by `terraform query`); filtered by the server."

// serverFilterAttrs are the attributes sent to the server as they are, so a
// server's 400 naming one is reported on it (the times are the provider's own).
var serverFilterAttrs = []string{"name", "name_prefix", "status", "owner"}

// tokenFilter is the configured filters; zero values match everything. The
// server applies all but scope (listOptions); matches applies them all again, so
// a server from before the filters, which ignores unknown parameters, cannot
// widen the result.
type tokenFilter struct {
	name, status, scope string
	namePrefix          string
	expiresBefore       *time.Time
	unusedFor           time.Duration // as configured (the id), when unusedSince is set
	unusedSince         *time.Time    // now - unusedFor
}

// setUnusedFor sets the unused filter from an unused_for attribute, relative to now.
func (f *tokenFilter) setUnusedFor(v types.String, now time.Time) diag.Diagnostics {
	d, set, diags := optionalDuration(v, path.Root("unused_for"), "2160h")
	if set {
		since := now.Add(-d)
		f.unusedFor, f.unusedSince = d, &since
	}
	return diags
}

// listOptions asks the server for every filter it applies (all but scope).
func (f tokenFilter) listOptions() sdk.ListOptions {
	o := sdk.ListOptions{Name: f.name, Status: sdk.TokenStatus(f.status), NamePrefix: f.namePrefix, Limit: listPageSize}
	if f.expiresBefore != nil {
		o.ExpiresBefore = *f.expiresBefore
	}
	if f.unusedSince != nil {
		o.UnusedSince = *f.unusedSince
	}
	return o
}

// matches applies the filters to a token the server returned.
func (f tokenFilter) matches(t *sdk.Token) bool {
	if f.scope != "" && !slices.Contains(t.Scopes, sdk.ScopeName(f.scope)) {
		return false
	}
	if !strings.HasPrefix(t.Name, f.namePrefix) {
		return false
	}
	if f.unusedSince != nil {
		last := t.CreatedAt // never used: unused since it was made
		if t.LastUsedAt != nil {
			last = *t.LastUsedAt
		}
		if !last.Before(*f.unusedSince) {
			return false
		}
	}
	if f.expiresBefore != nil {
		if t.ExpiresAt == nil || !t.ExpiresAt.Before(*f.expiresBefore) {
			return false // never expires, or not before
		}
	}
	return true
}

// id is a stable digest of the filters, so the same listing keeps its id.
func (f tokenFilter) id() string {
	exp := ""
	if f.expiresBefore != nil {
		exp = f.expiresBefore.UTC().Format(time.RFC3339Nano)
	}
	parts := []string{f.name, f.status, f.scope, exp}
	// Added only when set, so a listing without them keeps the id it had before.
	if f.namePrefix != "" {
		parts = append(parts, "name_prefix="+f.namePrefix)
	}
	if f.unusedSince != nil {
		parts = append(parts, "unused_for="+f.unusedFor.String())
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}
