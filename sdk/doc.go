// Package sdk is the Go client for the tokenhub API-token service.
//
// It wraps a client generated from openapi.yaml (oapi-codegen) with a small,
// idiomatic layer: functional options, context on every call, typed errors
// with sentinels for errors.Is, an iterator over all pages of tokens, and
// retries through go-retryablehttp.
//
// # Models
//
// The request and response types are generated from the contract into package
// [github.com/tokenhub/terraform-provider-tokenhub/sdk/models] and re-exported
// here as aliases ([Token] is models.Token), so one import suffices; `go doc`
// on that package shows every field with the contract's description. Ids are
// strings, the type every method takes (c.GetToken(ctx, tok.ID)). A nullable
// response field is a pointer: ExpiresAt and LastUsedAt are *time.Time and
// DisabledReason is *DisabledReason, nil when the API sends null. A request's
// expires_at is a [NullableTime]: leave it zero to omit it, or set [Expiry] or
// [NoExpiry]. RotateTokenRequest.Overlap is a time.Duration (sent as "24h").
//
// # Secrets
//
// The server makes a token's secret on create and rotate and returns it once, in
// TokenWithSecret.Token. To make it yourself (say, to write it to a secret store
// first), pass [NewSecret]'s result as CreateTokenRequest.Token or
// RotateTokenRequest.Token: the server checks its format and refuses one any token
// has ever had, keeps only its digest, and answers with Token empty. A rotation with
// an Overlap sets Token.PreviousSecretExpiresAt, when the old secret stops working.
//
// # Authentication
//
// Pass the secret with [WithToken]. It is sent as "Authorization: Bearer <token>"
// by default; [WithAuthScheme] selects "Authorization: apiToken <token>" or the
// api_token query parameter (discouraged: URLs leak into logs). The secret never
// appears in error text or log fields.
//
// # Retries
//
// Connection errors, 429 and 5xx responses (except 501) are retried with
// exponential backoff and jitter, honouring Retry-After on 429 and 503 (capped
// by the maximum wait). GET, PATCH and DELETE are idempotent and always
// retryable. A POST is retried only when it carries an Idempotency-Key; the SDK
// sets a fresh key for every CreateToken, RotateToken and CreateMember call and
// reuses it across that call's retries, so a retried create never makes a second
// token. When retries run out, the last response is returned as an [*APIError]
// ([ErrServer] for a 5xx, with [APIError.Attempts]).
//
// # Per-call options
//
// Every method takes optional [CallOption]s after its arguments:
// [WithIdempotencyKey] (a key of the caller's, so that a job which gives up and
// runs again later still creates once), [WithHeader] and [WithCallTimeout] (the
// whole call, retries included).
//
// # Errors
//
// Every non-2xx response becomes an [*APIError] carrying the RFC 9457 problem
// fields. Test for classes of failure with errors.Is and [ErrNotFound],
// [ErrUnauthorized], [ErrForbidden], [ErrRateLimited], [ErrValidation] or
// [ErrConflict] (and [ErrServer] for 5xx), or use errors.As to read the field
// errors, the server's request id, the attempt count and the response headers.
// The SDK's own argument checks (a malformed id, an invalid option) fail before
// sending, as [ErrValidation] without an *APIError. A successful
// response larger than [WithMaxResponseBytes] (8 MiB by default) is not
// decoded: the call fails with [ErrResponseTooLarge].
//
// To check a value before a call, package
// github.com/tokenhub/terraform-provider-tokenhub/sdk/validate holds the server's own
// rules for timestamps, allowed_ips entries, token names and usernames: a value it
// accepts passes the server's check of its form, and its error reads as the server's.
// Package github.com/tokenhub/terraform-provider-tokenhub/sdk/policy holds the server's
// no-widening rule: policy.CallerFromMe(me) on [Client.Me]'s answer, then
// Caller.Widening says whether the calling token may make or change a token so shaped.
//
// # Scopes, durations, logging
//
// Scope names are typed constants generated from the contract ([ScopeTokenRead],
// …; [AllScopes] lists them), so a typo does not compile; [ScopeName.Valid]
// checks a name read at run time. [WithSlog] logs every HTTP attempt to a *slog.Logger.
//
// # Module
//
// The SDK is a package of the module github.com/tokenhub/terraform-provider-tokenhub, whose
// go.mod sets the Go version it needs; it imports nothing of Terraform.
package sdk
