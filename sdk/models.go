package sdk

import (
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// The API's models, re-exported from the generated package sdk/models ([models]) as aliases,
// not copies, so they can never drift from openapi.yaml. `go doc` shows an alias without its
// fields: each names the model in sdk/models whose `go doc` lists them with the contract's
// descriptions.
type (
	// Token is an API token without its secret.
	// Fields: [models.Token] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.Token).
	Token = models.Token
	// TokenWithSecret is a token with its secret, returned only by create and rotate.
	// Fields: [models.TokenWithSecret] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.TokenWithSecret).
	TokenWithSecret = models.TokenWithSecret
	// TokenStatus is active, disabled or expired.
	// Defined as [models.TokenStatus] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.TokenStatus).
	TokenStatus = models.TokenStatus
	// ScopeName is a scope from the catalogue, such as "token.read".
	// Defined as [models.ScopeName] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.ScopeName).
	ScopeName = models.ScopeName
	// Scope is a catalogue entry: name, group and description.
	// Fields: [models.Scope] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.Scope).
	Scope = models.Scope
	// Me describes the calling token.
	// Fields: [models.Me] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.Me).
	Me = models.Me
	// CreateTokenRequest is the body of CreateToken. ExpiresAt: see [Expiry].
	// Fields: [models.CreateTokenRequest] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.CreateTokenRequest).
	CreateTokenRequest = models.CreateTokenRequest
	// UpdateTokenRequest is the body of UpdateToken: only the fields set are
	// sent; ExpiresAt set to [NoExpiry] removes the expiry.
	// Fields: [models.UpdateTokenRequest] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.UpdateTokenRequest).
	UpdateTokenRequest = models.UpdateTokenRequest
	// RotateTokenRequest is the body of RotateToken. Overlap (a time.Duration,
	// at most [MaxOverlap]) is how long the previous secret keeps working.
	// Fields: [models.RotateTokenRequest] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.RotateTokenRequest).
	RotateTokenRequest = models.RotateTokenRequest
	// TokenPage is one page of ListTokens.
	// Fields: [models.TokenPage] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.TokenPage).
	TokenPage = models.TokenPage
	// Problem is an RFC 9457 problem document.
	// Fields: [models.Problem] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.Problem).
	Problem = models.Problem
	// FieldError names one bad field of a rejected request.
	// Fields: [models.FieldError] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.FieldError).
	FieldError = models.FieldError
	// DisabledReason says why a disabled token is not working: its own switch
	// or its owner.
	// Defined as [models.DisabledReason] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.DisabledReason).
	DisabledReason = models.DisabledReason

	// Member is a person or service account that owns tokens.
	// Fields: [models.Member] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.Member).
	Member = models.Member
	// MemberRole is admin or member.
	// Defined as [models.MemberRole] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.MemberRole).
	MemberRole = models.MemberRole
	// CreateMemberRequest is the body of CreateMember.
	// Fields: [models.CreateMemberRequest] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.CreateMemberRequest).
	CreateMemberRequest = models.CreateMemberRequest
	// UpdateMemberRequest is the body of UpdateMember: only the fields set are sent.
	// Fields: [models.UpdateMemberRequest] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.UpdateMemberRequest).
	UpdateMemberRequest = models.UpdateMemberRequest
	// MemberPage is one page of ListMembers.
	// Fields: [models.MemberPage] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.MemberPage).
	MemberPage = models.MemberPage

	// NullableTime is a request's expires_at: absent (zero value), a time
	// ([Expiry]) or null ([NoExpiry]).
	// Fields: [models.NullableTime] (go doc github.com/tokenhub/terraform-provider-tokenhub/sdk/models.NullableTime).
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
