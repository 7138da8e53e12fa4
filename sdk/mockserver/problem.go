package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

const problemBase = "https://tokenhub.dev/problems/"

// problem is an RFC 9457 problem document plus the headers that go with it.
type problem struct {
	status     int
	kind       string // last segment of the type URI
	title      string
	detail     string
	errors     []serverapi.FieldError
	omitted    int // problems beyond those in errors (errors_omitted)
	retryAfter int // seconds; > 0 sets Retry-After
	instance   string
}

func newProblem(status int, kind, title, format string, args ...any) *problem {
	return &problem{status: status, kind: kind, title: title, detail: fmt.Sprintf(format, args...)}
}

// maxFieldErrors caps errors[]: 12,000 bad scopes must not make a megabyte answer.
const maxFieldErrors = 100

func badRequest(errs []serverapi.FieldError) *problem {
	p := newProblem(http.StatusBadRequest, "validation", "Invalid request",
		"%d invalid field(s); see errors", len(errs))
	p.errors, p.omitted = capFieldErrors(errs, maxFieldErrors)
	if p.omitted > 0 {
		p.detail = fmt.Sprintf("%d invalid field(s); errors lists %d, errors_omitted counts the other %d",
			len(errs), len(p.errors), p.omitted)
	}
	return p
}

// capFieldErrors keeps at most limit problems, in their order: the first problem of every
// field before further ones, so 10,000 bad scopes cannot hide a bad name or an unknown key.
func capFieldErrors(errs []serverapi.FieldError, limit int) ([]serverapi.FieldError, int) {
	if len(errs) <= limit {
		return errs, 0
	}
	keep := make([]bool, len(errs))
	n := 0
	seen := map[string]bool{}
	for i, e := range errs {
		top := e.Field[:strings.IndexAny(e.Field+"[", "[.")]
		if n < limit && !seen[top] {
			seen[top], keep[i] = true, true
			n++
		}
	}
	for i := range errs {
		if n == limit {
			break
		}
		if !keep[i] {
			keep[i] = true
			n++
		}
	}
	out := make([]serverapi.FieldError, 0, limit)
	for i, e := range errs {
		if keep[i] {
			out = append(out, e)
		}
	}
	return out, len(errs) - limit
}

func unauthorized(format string, args ...any) *problem {
	return newProblem(http.StatusUnauthorized, "unauthorized", "Unauthorized", format, args...)
}

func forbidden(format string, args ...any) *problem {
	return newProblem(http.StatusForbidden, "forbidden", "Forbidden", format, args...)
}

func notFound(id string) *problem {
	return newProblem(http.StatusNotFound, "not-found", "Not Found", "token %s not found", id)
}

func (p *problem) body(instance string) serverapi.Problem {
	out := serverapi.Problem{
		Type:   problemBase + p.kind,
		Title:  p.title,
		Status: p.status,
	}
	if p.detail != "" {
		d := p.detail
		out.Detail = &d
	}
	if p.instance != "" {
		instance = p.instance
	}
	if instance != "" {
		out.Instance = &instance
	}
	if len(p.errors) > 0 {
		errs := p.errors
		out.Errors = &errs
	}
	if p.omitted > 0 {
		n := p.omitted
		out.ErrorsOmitted = &n
	}
	return out
}

// write sends the problem. instance is the request path, never the query (which may carry
// an api_token).
func (p *problem) write(w http.ResponseWriter, instance string) {
	b, _ := json.Marshal(p.body(instance))
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if p.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	if p.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="tokenhub"`)
	}
	w.WriteHeader(p.status)
	_, _ = w.Write(append(b, '\n'))
}

// problemResponse lets strict handlers and strict middleware return a problem for any
// operation: it implements every generated Visit*Response method.
type problemResponse struct {
	p        *problem
	instance string
}

func (r problemResponse) visit(w http.ResponseWriter) error { r.p.write(w, r.instance); return nil }

func (r problemResponse) VisitGetAPIExplorerResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r problemResponse) VisitGetAPIDocsResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r problemResponse) VisitGetMeResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r problemResponse) VisitListScopesResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r problemResponse) VisitCreateTokenResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r problemResponse) VisitRevokeTokenResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r problemResponse) VisitGetTokenResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r problemResponse) VisitUpdateTokenResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r problemResponse) VisitRotateTokenResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r problemResponse) VisitListTokensResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r problemResponse) VisitListMembersResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r problemResponse) VisitGetMemberResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r problemResponse) VisitCreateMemberResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r problemResponse) VisitUpdateMemberResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r problemResponse) VisitDeleteMemberResponse(w http.ResponseWriter) error   { return r.visit(w) }
