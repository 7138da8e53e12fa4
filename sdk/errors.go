package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/redact"
)

// Sentinels for errors.Is on an [*APIError]:
//
//	404 ErrNotFound, 401 ErrUnauthorized, 403 ErrForbidden, 429 ErrRateLimited,
//	400, 413 and 415 ErrValidation, 409 and 422 ErrConflict, 5xx ErrServer.
//
// ErrValidation also matches the SDK's own argument checks (a malformed id, an
// invalid [CallOption]), which fail before anything is sent.
var (
	ErrNotFound     = errors.New("tokenhub: not found")
	ErrUnauthorized = errors.New("tokenhub: unauthorized")
	ErrForbidden    = errors.New("tokenhub: forbidden")
	ErrRateLimited  = errors.New("tokenhub: rate limited")
	ErrValidation   = errors.New("tokenhub: validation failed")
	ErrConflict     = errors.New("tokenhub: conflict")
	// ErrServer is a 5xx answer: the server failed, and when it was retryable
	// (all but 501) the retries ran out (see [APIError.Attempts]).
	ErrServer = errors.New("tokenhub: server error")

	// ErrResponseTooLarge is returned (wrapped) when a successful response body is
	// larger than the client reads (see [WithMaxResponseBytes]).
	ErrResponseTooLarge = errors.New("tokenhub: response too large")
)

// APIError is a non-2xx response, decoded from its application/problem+json
// body (or, when the body is not a problem document, from the status alone).
type APIError struct {
	// StatusCode is the response's HTTP status: the problem document's "status" member
	// (RFC 9457), which the server always sets to the same value.
	StatusCode int
	// Type, Title, Detail and Instance are the problem document's members of those names
	// (RFC 9457's "type", "title", "detail" and "instance").
	Type     string
	Title    string
	Detail   string
	Instance string
	// FieldErrors lists every bad field of a rejected request (400), at most 100.
	FieldErrors []FieldError
	// FieldErrorsOmitted counts the bad fields beyond those in FieldErrors.
	FieldErrorsOmitted int
	// RetryAfter is the server's Retry-After on 429 and 503, if any.
	RetryAfter time.Duration
	// RequestID is the server's X-Request-Id for this response, if it sent one:
	// quote it to support, it finds the request in the server's log.
	RequestID string
	// Attempts is how many HTTP requests the call made (1 without retries).
	Attempts int
	// Header is the response's headers.
	Header http.Header
}

// Every text field of an APIError (Header's names and values included), the text of every
// other error the SDK returns and every record it logs have each token-shaped value (thk_…)
// and the client's own secret replaced by "[REDACTED]": a hostile or broken server that
// echoes a secret cannot get it into a log through the SDK.

// Error reads like "tokenhub: 404 Not Found: token … not found", followed by
// the field errors ("name: must be 1–100 characters; scopes[0]: unknown scope").
func (e *APIError) Error() string {
	var b strings.Builder
	title := e.Title
	if title == "" {
		title = http.StatusText(e.StatusCode)
	}
	fmt.Fprintf(&b, "tokenhub: %d", e.StatusCode)
	if title != "" {
		b.WriteString(" " + title)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if len(e.FieldErrors) > 0 {
		parts := make([]string, 0, len(e.FieldErrors)+1)
		for _, fe := range e.FieldErrors {
			parts = append(parts, fe.Field+": "+fe.Message)
		}
		if e.FieldErrorsOmitted > 0 {
			parts = append(parts, fmt.Sprintf("and %d more", e.FieldErrorsOmitted))
		}
		b.WriteString(" (" + strings.Join(parts, "; ") + ")")
	}
	return b.String()
}

// Is reports whether the error belongs to the sentinel's class of statuses.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusRequestEntityTooLarge ||
			e.StatusCode == http.StatusUnsupportedMediaType
	case ErrConflict:
		return e.StatusCode == http.StatusConflict || e.StatusCode == http.StatusUnprocessableEntity
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 1 << 20

// newAPIError builds the error for a non-2xx response and closes its body. Every
// token-shaped value, and secret, is redacted from every text field, in case a server
// echoes one.
func newAPIError(resp *http.Response, secret string) *APIError {
	defer resp.Body.Close()
	e := &APIError{StatusCode: resp.StatusCode, Header: redactHeader(resp.Header, secret), Attempts: 1}
	e.RequestID = e.Header.Get("X-Request-Id")
	if resp.Request != nil {
		if st := stateFrom(resp.Request.Context()); st != nil && st.attempts.Load() > 0 {
			e.Attempts = int(st.attempts.Load())
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if isJSON(resp.Header.Get("Content-Type")) {
		var p Problem
		if json.Unmarshal(body, &p) == nil {
			e.Type, e.Title, e.Instance = p.Type, p.Title, deref(p.Instance)
			e.Detail = deref(p.Detail)
			if p.Errors != nil {
				e.FieldErrors = *p.Errors
			}
			if p.ErrorsOmitted != nil {
				e.FieldErrorsOmitted = *p.ErrorsOmitted
			}
		}
	}
	if e.Title == "" {
		e.Title = http.StatusText(resp.StatusCode)
	}
	e.Title, e.Detail = redactText(e.Title, secret), redactText(e.Detail, secret)
	e.Type, e.Instance = redactText(e.Type, secret), redactText(e.Instance, secret)
	for i := range e.FieldErrors {
		e.FieldErrors[i].Field = redactText(e.FieldErrors[i].Field, secret)
		e.FieldErrors[i].Message = redactText(e.FieldErrors[i].Message, secret)
	}
	return e
}

// redactText replaces every token-shaped value in s, and the client's own secret whatever
// its shape (with and without its thk_ prefix), with "[REDACTED]".
func redactText(s, secret string) string {
	if body, ok := strings.CutPrefix(secret, "thk_"); ok && len(body) >= 16 {
		return redact.Tokens(s, secret, body)
	}
	return redact.Tokens(s, secret)
}

// redactHeader is a copy of h with redactText applied to every name and value.
func redactHeader(h http.Header, secret string) http.Header {
	out := make(http.Header, len(h))
	for name, values := range h {
		name = redactText(name, secret)
		for _, v := range values {
			out[name] = append(out[name], redactText(v, secret))
		}
	}
	return out
}

// isJSON accepts application/problem+json, application/json and other +json types.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// transportError is a failure with the secrets redacted from its text (a
// *url.Error names the URL, which carries api_token with AuthQuery).
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// scrubError redacts err's text (redactText), dropping the api_token parameter,
// while keeping errors.Is/As working for context and net errors: a *url.Error
// is rebuilt without the query, and an error whose text held a secret is cut
// off from the errors below it, so errors.As cannot reach the secret either.
func scrubError(err error, secret string) error {
	if err == nil {
		return nil
	}
	//nolint:errorlint // http.Client.Do returns the *url.Error itself; only that top-level one is rebuilt.
	if ue, ok := err.(*url.Error); ok {
		inner := ue.Err
		if msg := inner.Error(); redactText(msg, secret) != msg {
			inner = &transportError{msg: redactText(msg, secret), err: errors.Unwrap(inner)}
		}
		err = &url.Error{Op: ue.Op, URL: redactText(redactURL(ue.URL), secret), Err: inner}
	}
	msg := err.Error()
	if clean := redactText(msg, secret); clean != msg {
		return &transportError{msg: clean}
	}
	return &transportError{msg: msg, err: err}
}

// redactURL drops the query string and user info from a URL string.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.User = "", false, "", nil
	return u.String()
}

// validationError is a bad argument found by the SDK before sending: it is
// [ErrValidation] for errors.Is, without a status code.
type validationError struct{ msg string }

func (e *validationError) Error() string        { return e.msg }
func (e *validationError) Is(target error) bool { return target == ErrValidation }

func validationErrorf(format string, args ...any) error {
	return &validationError{msg: fmt.Sprintf(format, args...)}
}
