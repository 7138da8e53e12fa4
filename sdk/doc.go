// Package sdk is the Go client for the tokenhub API-token service.
//
// It wraps a client generated from openapi.yaml (oapi-codegen) with a small,
// idiomatic layer: functional options, context on every call, typed errors
// with sentinels for errors.Is, an iterator over all pages of tokens, and
// retries through go-retryablehttp.
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
// sets a fresh key for every CreateToken and RotateToken call and reuses it
// across that call's retries, so a retried create never makes a second token.
// When retries run out, the last response is returned as an [*APIError].
//
// # Errors
//
// Every non-2xx response becomes an [*APIError] carrying the RFC 9457 problem
// fields. Test for classes of failure with errors.Is and [ErrNotFound],
// [ErrUnauthorized], [ErrForbidden], [ErrRateLimited], [ErrValidation] or
// [ErrConflict], or use errors.As to read the field errors. A successful
// response larger than [WithMaxResponseBytes] (8 MiB by default) is not
// decoded: the call fails with [ErrResponseTooLarge].
package sdk
