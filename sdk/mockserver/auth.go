package mockserver

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// reqInfo travels in the request context from the outer layer to the strict handlers.
type reqInfo struct {
	caller    *caller
	op, scope string // the operation and the scope it needs (scopeMiddleware), for the check at commit
	path      string
	requestID string
}

type ctxKey struct{}

func withInfo(ctx context.Context, info *reqInfo) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

func infoFrom(ctx context.Context) *reqInfo {
	info, _ := ctx.Value(ctxKey{}).(*reqInfo)
	if info == nil {
		return &reqInfo{}
	}
	return info
}

// opScopes is the scope each operation of the contract needs: exactly one entry per
// operationId, its scope as openapi.yaml states it ("Requires scope `token.read`"),
// anyToken where "Any valid token may call it", noToken where the contract says
// `security: []`. auth_contract_test.go checks this table against the contract.
var opScopes = map[string]string{
	"ListTokens":  "token.read-all",
	"GetToken":    "token.read",
	"CreateToken": "token.create",
	"UpdateToken": "token.update",
	"RotateToken": "token.update",
	"RevokeToken": "token.delete",

	"ListMembers":  "members.read-all",
	"GetMember":    "members.read",
	"CreateMember": "members.create",
	"UpdateMember": "members.update",
	"DeleteMember": "members.delete",

	"ListScopes": anyToken,
	"GetMe":      anyToken,

	"GetAPIDocs":     noToken,
	"GetAPIExplorer": noToken,
}

const (
	anyToken = "(any valid token)" // authenticated by the outer layer, no scope
	noToken  = "(no token)"        // the docs, served before authentication
)

// scopeMiddleware answers 403, naming the scope, when the caller lacks the operation's scope.
// An operation missing from opScopes is refused (500) rather than left open.
func scopeMiddleware(f serverapi.StrictHandlerFunc, operationID string) serverapi.StrictHandlerFunc {
	scope, ok := opScopes[operationID]
	switch {
	case !ok:
		return func(_ context.Context, _ http.ResponseWriter, r *http.Request, _ any) (any, error) {
			p := newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
				"operation %s has no entry in the server's scope table", operationID)
			return problemResponse{p: p, instance: r.URL.Path}, nil
		}
	case scope == anyToken || scope == noToken:
		return f
	}
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
		info := infoFrom(ctx)
		if info.caller == nil {
			return problemResponse{p: unauthorized("missing credentials"), instance: r.URL.Path}, nil
		}
		if p := lacksScope(info.caller, scope, operationID); p != nil {
			return problemResponse{p: p, instance: r.URL.Path}, nil
		}
		info.op, info.scope = operationID, scope
		return f(ctx, w, r, req)
	}
}

// lacksScope is the 403 for a caller that may not use the scope operationID needs, nil when
// it may: when the headers arrive (scopeMiddleware) and again at commit (callerAtCommit).
func lacksScope(c *caller, scope, operationID string) *problem {
	if scope == anyToken || c.has(scope) {
		return nil
	}
	return forbidden("this token lacks the scope %s, which %s needs", scope, operationID)
}

// credential extracts the secret from Authorization (Bearer or apiToken) or ?api_token=.
// More than one credential is refused (400), not resolved by precedence: a proxy that adds
// its own header, or a token in the URL next to the header, must not decide who is calling.
// Error details never echo the secret.
func credential(r *http.Request) (string, *problem) {
	auths, queried := r.Header.Values("Authorization"), r.URL.Query()["api_token"]
	switch {
	case len(auths) > 1:
		return "", ambiguousCredentials("Authorization", "must be sent once (got %d headers); send one credential", len(auths))
	case len(auths) == 1 && len(queried) > 0:
		return "", ambiguousCredentials("api_token", "must not be sent with an Authorization header; send one credential")
	case len(queried) > 1:
		return "", ambiguousCredentials("api_token", "must be sent once (got %d); send one credential", len(queried))
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
		tok = strings.TrimSpace(tok)
		if !ok || tok == "" {
			return "", unauthorized(`malformed Authorization header; send "Authorization: Bearer <token>"`)
		}
		switch strings.ToLower(scheme) {
		case "bearer", "apitoken":
			return tok, nil
		}
		// Echo the scheme only when it cannot be (part of) a secret sent the wrong way round.
		if len(scheme) > 20 || strings.Contains(strings.ToLower(scheme), secretPrefix) {
			return "", unauthorized(`unsupported Authorization scheme; send "Authorization: Bearer <token>"`)
		}
		return "", unauthorized(`unsupported Authorization scheme %q; send "Authorization: Bearer <token>"`, scheme)
	}
	if q := r.URL.Query(); q.Has("api_token") {
		if tok := q.Get("api_token"); tok != "" {
			return tok, nil
		}
		return "", unauthorized("empty api_token query parameter")
	}
	return "", unauthorized(`missing credentials; send "Authorization: Bearer <token>"`)
}

func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

// authenticate checks the request's credential when its headers arrive: 401 for a missing,
// malformed, unknown, expired or disabled token or a rotated-away secret; 403 for a caller IP
// outside allowed_ips (admit decides both); 429 when the client's address made too many failed
// authentications, or the token's rate limit is spent. On success it records last_used_at. The
// write the request asks for judges the caller again when it commits (callerAtCommit, authz.go).
func (s *Server) authenticate(r *http.Request) (_ *caller, p *problem) {
	// Failed authentications are limited per client address, before any lookup (auth_failures.go).
	client := clientKey(r)
	if p := s.authFailures.enter(client, s.cfg.clock.Now()); p != nil {
		return nil, p
	}
	defer func() { s.authFailures.leave(client, s.cfg.clock.Now(), p) }()

	secret, p := credential(r)
	if p != nil {
		return nil, p
	}
	// The checksum rejects typos and guesses before touching the store.
	if !ValidSecret(secret) {
		return nil, unauthorized("malformed token: not a tokenhub secret (thk_…) or bad checksum")
	}
	s.lookups.Add(1)
	d := s.key.of(secret)
	now := s.cfg.clock.Now()
	pr := presented{digest: d}
	pr.addr, pr.addrOK = remoteAddr(r)

	var c *caller
	err := s.st.Authenticate(d, now, func(t *tokenRec, owner *memberRec) error {
		var p *problem
		if c, p = s.admit(t, owner, pr, now); p != nil {
			return refuse(p)
		}
		if ok, wait := s.limiter.allow(c.id, now); !ok {
			p := newProblem(http.StatusTooManyRequests, "rate-limited", "Too Many Requests",
				"rate limit of %g requests/s for token %s exceeded; retry after %d s", s.limiter.rps, c.id, wait)
			p.retryAfter = wait
			return refuse(p)
		}
		return nil
	})
	var ref refusal
	switch {
	case err == nil:
		return c, nil
	case errors.As(err, &ref):
		return nil, ref.p
	default:
		return nil, unauthorized("unknown or revoked token")
	}
}

// presented is what a request showed to authenticate: the digest of its secret and the
// address it came from. The caller keeps it, so that the write can admit it again at commit.
type presented struct {
	digest digest
	addr   netip.Addr
	addrOK bool
}

// callerOf is a token and its owner as the rules see them (authz.go).
func callerOf(t *tokenRec, owner *memberRec, pr presented) *caller {
	scopes := t.Scopes()
	return &caller{
		id: t.ID(), tokenID: t.id, owner: owner.ID(), username: owner.Username, admin: owner.admin(),
		bootstrap: t.Bootstrap, scopes: scopes,
		effective: effectiveScopes(scopes, owner.admin(), owner.Permissions),
		expiresAt: t.ExpiresAt(), allowed: t.allowed(), presented: pr,
	}
}

// admit is the one admission rule, decided when the headers arrive (authenticate) and again
// inside the write's transaction (callerAtCommit), so the two cannot drift: may token t (nil
// when gone), owned by owner, act at now for a request that presented pr? It returns the
// caller as the rules see it, or the 401/403 a new request would get.
func (s *Server) admit(t *tokenRec, owner *memberRec, pr presented, now time.Time) (*caller, *problem) {
	if t == nil || owner == nil || s.dueForDeletion(t, now) {
		return nil, unauthorized("unknown or revoked token")
	}
	if subtle.ConstantTimeCompare(pr.digest[:], t.Digest[:]) != 1 {
		pd, until := t.prev()
		if pd == nil || subtle.ConstantTimeCompare(pr.digest[:], pd[:]) != 1 {
			return nil, unauthorized("unknown or revoked token") // rotated away since the headers
		}
		if !now.Before(until) {
			return nil, unauthorized("this secret was rotated and stopped working at %s", until.UTC().Format(time.RFC3339))
		}
	}
	id := t.ID()
	if statusOf(t, now) == serverapi.TokenStatusExpired {
		return nil, unauthorized("token %s expired at %s", id, t.ExpiresAt().Format(time.RFC3339))
	}
	if !t.Enabled {
		return nil, unauthorized("token %s is disabled", id)
	}
	if t.OwnerOffAt() != nil || !owner.Enabled {
		return nil, unauthorized("token %s is disabled because its owner is disabled", id)
	}
	if allowed := t.allowed(); len(allowed) > 0 {
		if !pr.addrOK || !ipAllowed(allowed, pr.addr) {
			return nil, forbidden("caller IP %s is not in token %s's allowed_ips", pr.addr, id)
		}
	}
	return callerOf(t, owner, pr), nil
}

func ambiguousCredentials(field, format string, args ...any) *problem {
	p := badRequest([]serverapi.FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}})
	p.detail = "ambiguous credentials: send exactly one (Authorization: Bearer <token>)"
	return p
}
