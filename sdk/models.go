package sdk

import (
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// The API's models, re-exported from the generated package [models] (aliases,
// not copies, so they can never drift from openapi.yaml; `go doc sdk/models`
// lists their fields).
type (
	// Token is an API token without its secret.
	Token = models.Token
	// TokenWithSecret is a token with its secret, returned only by create and rotate.
	TokenWithSecret = models.TokenWithSecret
	// TokenStatus is active, disabled or expired.
	TokenStatus = models.TokenStatus
	// ScopeName is a scope from the catalogue, such as "token.read".
	ScopeName = models.ScopeName
	// Scope is a catalogue entry: name, group and description.
	Scope = models.Scope
	// Me describes the calling token.
	Me = models.Me
	// CreateTokenRequest is the body of CreateToken. ExpiresAt: see [Expiry].
	CreateTokenRequest = models.CreateTokenRequest
	// UpdateTokenRequest is the body of UpdateToken: only the fields set are
	// sent; ExpiresAt set to [NoExpiry] removes the expiry.
	UpdateTokenRequest = models.UpdateTokenRequest
	// RotateTokenRequest is the body of RotateToken. Overlap (a time.Duration,
	// at most [MaxOverlap]) is how long the previous secret keeps working.
	RotateTokenRequest = models.RotateTokenRequest
	// TokenPage is one page of ListTokens.
	TokenPage = models.TokenPage
	// Problem is an RFC 9457 problem document.
	Problem = models.Problem
	// FieldError names one bad field of a rejected request.
	FieldError = models.FieldError
	// DisabledReason says why a disabled token is not working: its own switch
	// or its owner.
	DisabledReason = models.DisabledReason

	// Member is a person or service account that owns tokens.
	Member = models.Member
	// MemberRole is admin or member.
	MemberRole = models.MemberRole
	// CreateMemberRequest is the body of CreateMember.
	CreateMemberRequest = models.CreateMemberRequest
	// UpdateMemberRequest is the body of UpdateMember: only the fields set are sent.
	UpdateMemberRequest = models.UpdateMemberRequest
	// MemberPage is one page of ListMembers.
	MemberPage = models.MemberPage

	// NullableTime is a request's expires_at: absent (zero value), a time
	// ([Expiry]) or null ([NoExpiry]).
	NullableTime = models.NullableTime
)

// Member roles.
const (
	RoleAdmin  MemberRole = models.MemberRoleAdmin
	RoleMember MemberRole = models.MemberRoleMember
)

// Why a token is disabled.
const (
	DisabledByToken DisabledReason = models.DisabledReasonTokenDisabled
	DisabledByOwner DisabledReason = models.DisabledReasonOwnerDisabled
)

// Token statuses.
const (
	StatusActive   TokenStatus = models.TokenStatusActive
	StatusDisabled TokenStatus = models.TokenStatusDisabled
	StatusExpired  TokenStatus = models.TokenStatusExpired
)

// AllScopes returns the 53 scope names of the catalogue, in contract order.
// The slice is a fresh copy: callers may modify it.
func AllScopes() []ScopeName {
	return append([]ScopeName(nil), allScopes...)
}

// Ptr returns a pointer to v, for the optional fields of request models.
func Ptr[T any](v T) *T { return &v }

// Expiry returns t as an expires_at value (RFC 3339, UTC, to the second).
func Expiry(t time.Time) NullableTime { return models.NewNullableTime(t) }

// NoExpiry returns an explicit null expires_at: in UpdateToken it removes the
// token's expiry; in CreateToken it means "never expires".
func NoExpiry() NullableTime { return models.NullTime() }
