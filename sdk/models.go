package sdk

import (
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
)

// The API's models, re-exported from the generated code (aliases, not copies,
// so they can never drift from openapi.yaml).
type (
	// Token is an API token without its secret.
	Token = apigen.Token
	// TokenWithSecret is a token with its secret, returned only by create and rotate.
	TokenWithSecret = apigen.TokenWithSecret
	// TokenStatus is active, disabled or expired.
	TokenStatus = apigen.TokenStatus
	// ScopeName is a scope from the catalogue, such as "token.read".
	ScopeName = apigen.ScopeName
	// Scope is a catalogue entry: name, group and description.
	Scope = apigen.Scope
	// Me describes the calling token.
	Me = apigen.Me
	// CreateTokenRequest is the body of CreateToken. ExpiresAt: see [Expiry].
	CreateTokenRequest = apigen.CreateTokenRequest
	// UpdateTokenRequest is the body of UpdateToken: only the fields set are
	// sent; ExpiresAt set to [NoExpiry] removes the expiry.
	UpdateTokenRequest = apigen.UpdateTokenRequest
	// RotateTokenRequest is the body of RotateToken. Overlap is a Go duration
	// ("1h") during which the previous secret keeps working.
	RotateTokenRequest = apigen.RotateTokenRequest
	// TokenPage is one page of ListTokens.
	TokenPage = apigen.TokenPage
	// Problem is an RFC 9457 problem document.
	Problem = apigen.Problem
	// FieldError names one bad field of a rejected request.
	FieldError = apigen.FieldError
	// DisabledReason says why a disabled token is not working: its own switch
	// or its owner.
	DisabledReason = apigen.DisabledReason

	// Member is a person or service account that owns tokens.
	Member = apigen.Member
	// MemberRole is admin or member.
	MemberRole = apigen.MemberRole
	// CreateMemberRequest is the body of CreateMember.
	CreateMemberRequest = apigen.CreateMemberRequest
	// UpdateMemberRequest is the body of UpdateMember: only the fields set are sent.
	UpdateMemberRequest = apigen.UpdateMemberRequest
	// MemberPage is one page of ListMembers.
	MemberPage = apigen.MemberPage
)

// Member roles.
const (
	RoleAdmin  MemberRole = apigen.MemberRoleAdmin
	RoleMember MemberRole = apigen.MemberRoleMember
)

// Why a token is disabled.
const (
	DisabledByToken DisabledReason = apigen.TokenDisabled
	DisabledByOwner DisabledReason = apigen.OwnerDisabled
)

// Token statuses.
const (
	StatusActive   TokenStatus = apigen.Active
	StatusDisabled TokenStatus = apigen.Disabled
	StatusExpired  TokenStatus = apigen.Expired
)

// AllScopes returns the 53 scope names of the catalogue, in contract order.
// The slice is a fresh copy: callers may modify it.
func AllScopes() []ScopeName {
	return append([]ScopeName(nil), allScopes...)
}

// Ptr returns a pointer to v, for the optional fields of request models.
func Ptr[T any](v T) *T { return &v }

// Expiry returns t as an expires_at value (RFC 3339, UTC).
func Expiry(t time.Time) nullable.Nullable[string] {
	return nullable.NewNullableWithValue(t.UTC().Format(time.RFC3339))
}

// NoExpiry returns an explicit null expires_at: in UpdateToken it removes the
// token's expiry; in CreateToken it means "never expires".
func NoExpiry() nullable.Nullable[string] {
	return nullable.NewNullNullable[string]()
}
