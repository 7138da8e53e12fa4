package mockserver

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// fieldErrs collects every bad field of a request, so one 400 lists them all.
type fieldErrs []serverapi.FieldError

func (e *fieldErrs) add(field, format string, args ...any) {
	*e = append(*e, serverapi.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// validateName adds one error per rule the name breaks (validate.TokenName joins them),
// under field: "name" in a body, "name_prefix" in a listing's query.
func validateName(errs *fieldErrs, field, name string) {
	for _, e := range validate.Problems(validate.TokenName(name)) {
		errs.add(field, "%s", e.Error())
	}
}

// validateIdempotencyKey checks the Idempotency-Key header values: sent once, and the value
// as validate.IdempotencyKey says (1 to 255 characters, not bytes, of valid UTF-8).
func validateIdempotencyKey(keys []string) *problem {
	msg := ""
	if len(keys) > 1 {
		msg = fmt.Sprintf("must be sent once (got %d values)", len(keys))
	} else if err := validate.IdempotencyKey(keys[0]); err != nil {
		msg = err.Error()
	} else {
		return nil
	}
	return badRequest([]serverapi.FieldError{{Field: "Idempotency-Key", Message: msg}})
}

// tokenInput is a token body's values as its checks parse them, for the handler to apply.
type tokenInput struct {
	scopes    []string       // nil when the body has none
	prefixes  []netip.Prefix // allowed_ips parsed
	expires   *time.Time     // nil: no expiry (or none given: see expirySet)
	expirySet bool           // expires_at was in the body (null included)
	overlap   time.Duration  // rotate only
	secret    string         // create and rotate: the caller's own secret (token), "" for none
}

// checkCreate, checkUpdate and checkRotate are the value checks of each body: the handler
// applies what they parse, and body.go runs them too (createErrors and the like) when a
// body also has type errors, so one 400 lists both.
func checkCreate(b *serverapi.CreateTokenRequest, now time.Time) (in tokenInput, errs fieldErrs) {
	validateName(&errs, "name", b.Name)
	in.scopes = validateScopes(&errs, b.Scopes)
	if b.AllowedIPs != nil {
		in.prefixes = validateAllowedIPs(&errs, *b.AllowedIPs)
	}
	in.expires, in.expirySet = validateExpiry(&errs, b.ExpiresAt, now)
	in.secret = validateSecret(&errs, b.Token)
	return in, errs
}

func checkUpdate(b *serverapi.UpdateTokenRequest, now time.Time) (in tokenInput, errs fieldErrs) {
	if b.Name != nil {
		validateName(&errs, "name", *b.Name)
	}
	if b.Scopes != nil {
		in.scopes = validateScopes(&errs, *b.Scopes)
	}
	if b.AllowedIPs != nil {
		in.prefixes = validateAllowedIPs(&errs, *b.AllowedIPs)
	}
	in.expires, in.expirySet = validateExpiry(&errs, b.ExpiresAt, now)
	return in, errs
}

func checkRotate(b *serverapi.RotateTokenRequest, now time.Time) (in tokenInput, errs fieldErrs) {
	in.overlap = validateOverlap(&errs, b.Overlap)
	in.expires, in.expirySet = validateExpiry(&errs, b.ExpiresAt, now)
	in.secret = validateSecret(&errs, b.Token)
	return in, errs
}

// validateSecret checks a secret the caller made (validate.Secret: format and checksum; its
// errors never quote the value). Whether any token ever had it is the write's to check
// (txn.claimSecret), and whether this server takes one at all the handler's
// (callerSecretRule).
func validateSecret(errs *fieldErrs, v *string) string {
	if v == nil {
		return ""
	}
	if err := validate.Secret(*v); err != nil {
		errs.add("token", "%s", err.Error())
		return ""
	}
	return *v
}

// callerSecretRule refuses the token field outright on a server started without caller-made
// secrets (WithCallerSecrets(false)), in place of any problem with its value.
func (s *Server) callerSecretRule(errs fieldErrs, sent bool) fieldErrs {
	if !sent || s.cfg.callerSecrets {
		return errs
	}
	errs = slices.DeleteFunc(errs, func(e serverapi.FieldError) bool { return e.Field == "token" })
	errs.add("token", "this server does not accept secrets made by the caller (tokenhub-server "+
		"-caller-secrets=false): leave token out and the server makes the secret")
	return errs
}

func createErrors(b *serverapi.CreateTokenRequest, now time.Time) fieldErrs {
	_, errs := checkCreate(b, now)
	return errs
}

func updateErrors(b *serverapi.UpdateTokenRequest, now time.Time) fieldErrs {
	_, errs := checkUpdate(b, now)
	return errs
}

func rotateErrors(b *serverapi.RotateTokenRequest, now time.Time) fieldErrs {
	_, errs := checkRotate(b, now)
	return errs
}

// validateScopes checks a scope set: non-empty, from the catalogue, no duplicates.
func validateScopes(errs *fieldErrs, scopes []serverapi.ScopeName) []string {
	if len(scopes) == 0 {
		errs.add("scopes", "must list at least one scope")
		return nil
	}
	seen := make(map[serverapi.ScopeName]int, len(scopes))
	out := make([]string, 0, len(scopes))
	for i, sc := range scopes {
		field := fmt.Sprintf("scopes[%d]", i)
		switch {
		case !sc.Valid():
			errs.add(field, "unknown scope %q (see GET /api/v1/scopes)", sc)
		case seen[sc] > 0:
			errs.add(field, "duplicate scope %q (also scopes[%d])", sc, seen[sc]-1)
		default:
			seen[sc] = i + 1
			out = append(out, canonicalScope[sc]) // shared, not a decoded copy per token
		}
	}
	return out
}

// validateAllowedIPs checks an allowlist: valid IPs/CIDRs, no two meaning the same range
// (1.2.3.4 and 1.2.3.4/32 are the same), at most 100.
func validateAllowedIPs(errs *fieldErrs, ips []string) []netip.Prefix {
	if len(ips) > validate.MaxAllowedIPs {
		errs.add("allowed_ips", "must have at most %d entries (got %d)", validate.MaxAllowedIPs, len(ips))
	}
	seen := make(map[netip.Prefix]int, len(ips))
	out := make([]netip.Prefix, 0, len(ips))
	for i, s := range ips {
		field := fmt.Sprintf("allowed_ips[%d]", i)
		p, err := validate.AllowedIP(s)
		if err != nil {
			errs.add(field, "%s", err.Error())
			continue
		}
		if j, dup := seen[p]; dup {
			errs.add(field, "duplicate of allowed_ips[%d] (%s)", j, ips[j])
			continue
		}
		seen[p] = i
		out = append(out, p)
	}
	return out
}

// validateExpiry reads an optional, nullable expires_at. set is false when the field was
// left out; a nil time with set=true means "no expiry".
func validateExpiry(errs *fieldErrs, v nullable.Nullable[string], now time.Time) (t *time.Time, set bool) {
	const field = "expires_at"
	if !v.IsSpecified() {
		return nil, false
	}
	if v.IsNull() {
		return nil, true
	}
	s, _ := v.Get()
	parsed, err := parseTime(s)
	if err != nil {
		errs.add(field, "%s", err.Error())
		return nil, true
	}
	if !parsed.After(now) {
		errs.add(field, "must be in the future (now is %s)", now.UTC().Format(time.RFC3339))
		return nil, true
	}
	return &parsed, true
}

func validateOverlap(errs *fieldErrs, v *string) time.Duration {
	if v == nil {
		return 0
	}
	d, err := validate.Overlap(*v)
	if err != nil {
		errs.add("overlap", "%s", err.Error())
	}
	return d
}

// memberErrors are the value checks of both member bodies (their fields are alike; every
// one is optional in the update).
func memberErrors[T serverapi.CreateMemberRequest | serverapi.UpdateMemberRequest](b *T, _ time.Time) fieldErrs {
	var errs fieldErrs
	var username *string
	var role *serverapi.MemberRole
	var perms *[]serverapi.ScopeName
	switch v := any(b).(type) {
	case *serverapi.CreateMemberRequest:
		username, role, perms = &v.Username, v.Role, v.Permissions
	case *serverapi.UpdateMemberRequest:
		username, role, perms = v.Username, v.Role, v.Permissions
	}
	if username != nil {
		validateUsername(&errs, *username)
	}
	if role != nil {
		validateRole(&errs, *role)
	}
	memberPerms(&errs, string(serverapi.MemberRoleMember), perms)
	return errs
}
