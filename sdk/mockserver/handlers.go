package mockserver

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// handlers implements the generated strict-server interface on top of the store. By the time
// a handler runs, the caller was authenticated, held the operation's scope and the body has
// been decoded strictly (see serveAPI). A write judges the caller again inside its own
// transaction (callerAtCommit, authz.go): the body may have taken seconds to arrive.
type handlers struct{ s *Server }

var _ serverapi.StrictServerInterface = (*handlers)(nil)

func fail(ctx context.Context, p *problem) problemResponse {
	return problemResponse{p: p, instance: infoFrom(ctx).path}
}

func (h *handlers) ListTokens(ctx context.Context, req serverapi.ListTokensRequestObject) (serverapi.ListTokensResponseObject, error) {
	c := infoFrom(ctx).caller
	var errs fieldErrs
	limit := pageLimit(&errs, req.Params.Limit)
	var after *cursor
	if req.Params.Cursor != nil {
		cur, err := decodeCursor(*req.Params.Cursor)
		if err != nil {
			errs.add("cursor", "is not a cursor from this server; pass next_cursor from the previous page")
		}
		after = &cur
	}
	now := h.s.cfg.clock.Now()
	f := listFilter(&errs, req.Params, now)
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}

	// Sized for a full page up front: serverapi.Token is large, and growing the slice item
	// by item was a tenth of the list's cost.
	page := tokenPageResponse{Items: make([]serverapi.Token, 0, limit)}
	var last *tokenRec
	// The cursor is a position in the listing order, whatever the filters: a cursor reused
	// with other filters continues after the same token, so it can neither loop nor skip.
	h.s.st.ListMatching(after, &f, func(t *tokenRec) bool {
		if !h.s.visible(c, t, now) {
			return true
		}
		if len(page.Items) == limit {
			// There is at least one more: point the cursor after the page's last item.
			next := cursor{seq: last.Seq, id: last.ID()}.encode()
			page.NextCursor = &next
			return false
		}
		page.Items = append(page.Items, toAPIToken(t, now))
		last = t
		return true
	})
	return page, nil
}

func (h *handlers) GetToken(ctx context.Context, req serverapi.GetTokenRequestObject) (serverapi.GetTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	now := h.s.cfg.clock.Now()
	t, ok := h.s.st.Get(req.TokenID)
	if !ok || !h.s.visible(c, t, now) {
		return fail(ctx, notFound(req.TokenID.String())), nil
	}
	return serverapi.GetToken200JSONResponse(toAPIToken(t, now)), nil
}

func (h *handlers) CreateToken(ctx context.Context, req serverapi.CreateTokenRequestObject) (serverapi.CreateTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	body := req.Body
	now := h.s.cfg.clock.Now()

	in, errs := checkCreate(body, now)
	errs = h.s.callerSecretRule(errs, body.Token != nil)
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}
	owner := c.owner
	if body.Owner != nil {
		owner = body.Owner.String()
	}

	secret, shown, err := secretFor(in)
	if err != nil {
		return nil, err
	}
	t := newToken(body.Name, owner, in.scopes, h.s.key.keep(secret), now)
	t.Shared = body.Shared != nil && *body.Shared
	if body.AllowedIPs != nil {
		t.setAllowedIPs(*body.AllowedIPs, in.prefixes)
	}
	t.setExpiresAt(in.expires)
	if body.Enabled != nil && !*body.Enabled {
		t.Enabled = false
		t.setDisabledAt(&now)
	}
	respond := func(t *tokenRec) serverapi.CreateToken201JSONResponse {
		return serverapi.CreateToken201JSONResponse(withSecret(toAPIToken(t, now), shown))
	}
	idem := h.s.idemRecord(ctx, now, func(t *tokenRec, w http.ResponseWriter) error {
		return respond(t).VisitCreateTokenResponse(w)
	})
	err = h.s.st.Write(func(tx *txn) error {
		c, err := h.s.callerAtCommit(ctx, tx, now)
		if err != nil {
			return err
		}
		om := tx.getMember(t.ownerID())
		if om == nil || om.ID() != owner {
			return refuse(badRequest(fieldErrs{{Field: "owner", Message: "no member with id " + owner}}))
		}
		if p := c.checkTokenWrite("create", nil, t, om); p != nil {
			return refuse(p)
		}
		if shown == "" {
			if err := tx.claimSecret(t.Digest); err != nil {
				return err
			}
		}
		if !om.Enabled {
			t.setOwnerOff(&om.DisabledAt) // born stopped, like the owner's other tokens
		}
		t.Seq = tx.nextSeq()
		tx.put(t.clone())
		return tx.remember(idem, t)
	})
	if err != nil {
		return storeFailure[serverapi.CreateTokenResponseObject](ctx, err, "")
	}
	return respond(t), nil
}

func (h *handlers) UpdateToken(ctx context.Context, req serverapi.UpdateTokenRequestObject) (serverapi.UpdateTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	id := req.TokenID.String()
	body := req.Body
	now := h.s.cfg.clock.Now()

	// Validate everything before changing anything.
	in, errs := checkUpdate(body, now)
	// An unknown or invisible token is 404 even when the body is also bad.
	t, ok := h.s.st.Get(req.TokenID)
	if !ok || !h.s.visible(c, t, now) {
		return fail(ctx, notFound(id)), nil
	}
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}

	var out *tokenRec
	err := h.s.st.Write(func(tx *txn) error {
		c, t, err := h.s.targetAtCommit(ctx, tx, req.TokenID, now)
		if err != nil {
			return err
		}
		before := t.clone()
		changed := false
		if body.Shared != nil && *body.Shared != t.Shared {
			t.Shared, changed = *body.Shared, true
		}
		if body.Name != nil && *body.Name != t.Name {
			t.Name, changed = *body.Name, true
		}
		if body.Scopes != nil && !t.sameScopes(in.scopes) {
			t.setScopes(in.scopes)
			changed = true
		}
		if body.AllowedIPs != nil && !slices.Equal(*body.AllowedIPs, t.allowedIPs()) {
			t.setAllowedIPs(*body.AllowedIPs, in.prefixes)
			changed = true
		}
		if in.expirySet && !timePtrEqual(in.expires, t.ExpiresAt()) {
			t.setExpiresAt(in.expires)
			changed = true
		}
		if body.Enabled != nil && *body.Enabled != t.Enabled {
			t.Enabled, changed = *body.Enabled, true
			if t.Enabled {
				t.setDisabledAt(nil)
			} else {
				t.setDisabledAt(&now)
			}
		}
		// Rules on the token as it is and as it would be: nothing changes when either fails.
		if p := c.checkTokenWrite("change", before, t, tx.getMember(t.ownerID())); p != nil {
			return refuse(p)
		}
		if changed {
			t.setUpdatedAt(now)
			tx.put(t)
		}
		out = t.clone()
		return nil
	})
	if err != nil {
		return storeFailure[serverapi.UpdateTokenResponseObject](ctx, err, id)
	}
	return serverapi.UpdateToken200JSONResponse(toAPIToken(out, now)), nil
}

func timePtrEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func (h *handlers) RotateToken(ctx context.Context, req serverapi.RotateTokenRequestObject) (serverapi.RotateTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	id := req.TokenID.String()
	body := req.Body
	if body == nil {
		body = &serverapi.RotateTokenRequest{}
	}
	now := h.s.cfg.clock.Now()
	in, errs := checkRotate(body, now)
	errs = h.s.callerSecretRule(errs, body.Token != nil)
	secret, shown, err := secretFor(in)
	if err != nil {
		return nil, err
	}
	if t, ok := h.s.st.Get(req.TokenID); !ok || !h.s.visible(c, t, now) {
		return fail(ctx, notFound(id)), nil
	}
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}

	respond := func(t *tokenRec) serverapi.RotateToken200JSONResponse {
		return serverapi.RotateToken200JSONResponse(withSecret(toAPIToken(t, now), shown))
	}
	idem := h.s.idemRecord(ctx, now, func(t *tokenRec, w http.ResponseWriter) error {
		return respond(t).VisitRotateTokenResponse(w)
	})
	var out *tokenRec
	err = h.s.st.Write(func(tx *txn) error {
		c, t, err := h.s.targetAtCommit(ctx, tx, req.TokenID, now)
		if err != nil {
			return err
		}
		before := t.clone()
		t.rotate(h.s.key.keep(secret), now, in.overlap)
		if in.expirySet {
			t.setExpiresAt(in.expires)
		}
		t.setUpdatedAt(now)
		// The new secret carries the token's scopes and expiry: the caller must be able to
		// have made the token as it is and as it will be.
		if p := c.checkTokenWrite("rotate", before, t, tx.getMember(t.ownerID())); p != nil {
			return refuse(p)
		}
		if shown == "" {
			if err := tx.claimSecret(t.Digest); err != nil {
				return err
			}
		}
		tx.put(t)
		out = t.clone()
		return tx.remember(idem, t)
	})
	if err != nil {
		return storeFailure[serverapi.RotateTokenResponseObject](ctx, err, id)
	}
	return respond(out), nil
}

// secretFor returns the new secret of a create or rotate and the one its answer shows: the
// caller's own (in.secret), which the answer leaves out since the caller has it, or a fresh
// one of the server's, which the answer shows once.
func secretFor(in tokenInput) (secret, shown string, err error) {
	if in.secret != "" {
		return in.secret, "", nil
	}
	secret, err = NewSecret()
	return secret, secret, err
}

func (h *handlers) RevokeToken(ctx context.Context, req serverapi.RevokeTokenRequestObject) (serverapi.RevokeTokenResponseObject, error) {
	id := req.TokenID.String()
	now := h.s.cfg.clock.Now()
	err := h.s.st.Write(func(tx *txn) error {
		c, t, err := h.s.targetAtCommit(ctx, tx, req.TokenID, now)
		if err != nil {
			return err
		}
		if p := c.checkTokenWrite("revoke", t, nil, nil); p != nil {
			return refuse(p)
		}
		tx.del(t.id)
		return nil
	})
	if err != nil {
		return storeFailure[serverapi.RevokeTokenResponseObject](ctx, err, id)
	}
	h.s.limiter.forget(id)
	return serverapi.RevokeToken204Response{}, nil
}

// targetAtCommit starts a write to token id: the caller judged again as it is now
// (callerAtCommit), then the token as the write sees it (it may have changed since the
// request's first look), which the caller must still be able to see.
func (s *Server) targetAtCommit(ctx context.Context, tx *txn, id uuid.UUID, now time.Time) (*caller, *tokenRec, error) {
	c, err := s.callerAtCommit(ctx, tx, now)
	if err != nil {
		return nil, nil, err
	}
	t := tx.get(id)
	if t == nil || !s.visible(c, t, now) {
		return nil, nil, errNoToken
	}
	return c, t, nil
}

// storeFailure answers a write the store did not make: 404 for an unknown (or invisible)
// token, the problem a rule refused it with, 503 when it could not be saved.
func storeFailure[R any](ctx context.Context, err error, id string) (R, error) {
	var zero R
	var ref refusal
	var unavail *unavailableError
	var p *problem
	switch {
	case errors.Is(err, errNoToken):
		p = notFound(id)
	case errors.As(err, &ref):
		p = ref.p
	case errors.As(err, &unavail):
		p = unavailable()
	default:
		return zero, err
	}
	resp, ok := any(fail(ctx, p)).(R)
	if !ok {
		return zero, err
	}
	return resp, nil
}

func (h *handlers) ListScopes(ctx context.Context, _ serverapi.ListScopesRequestObject) (serverapi.ListScopesResponseObject, error) {
	return serverapi.ListScopes200JSONResponse{Items: slices.Clone(catalogue)}, nil
}

func (h *handlers) GetMe(ctx context.Context, _ serverapi.GetMeRequestObject) (serverapi.GetMeResponseObject, error) {
	c := infoFrom(ctx).caller
	now := h.s.cfg.clock.Now()
	tid, _ := parseTokenID(c.id)
	mid, _ := parseTokenID(c.owner)
	t, okT := h.s.st.Get(tid)
	m, okM := h.s.st.Member(mid)
	if !okT || !okM {
		return fail(ctx, unauthorized("unknown or revoked token")), nil // revoked since authentication
	}
	names := func(in []string) []serverapi.ScopeName {
		out := make([]serverapi.ScopeName, len(in))
		for i, sc := range in {
			out[i] = serverapi.ScopeName(sc)
		}
		return out
	}
	return serverapi.GetMe200JSONResponse{
		Owner: m.id, TokenID: t.id, Admin: c.admin,
		Scopes: names(c.scopes), EffectiveScopes: names(c.effective),
		Member: toAPIMember(m), Token: toAPIToken(t, now),
	}, nil
}

func (h *handlers) GetAPIDocs(ctx context.Context, _ serverapi.GetAPIDocsRequestObject) (serverapi.GetAPIDocsResponseObject, error) {
	return apiDocument{origin: originFrom(ctx)}, nil // docs.go
}

func (h *handlers) GetAPIExplorer(ctx context.Context, _ serverapi.GetAPIExplorerRequestObject) (serverapi.GetAPIExplorerResponseObject, error) {
	page, err := swaggerFS.ReadFile("swaggerui/index.html")
	if err != nil {
		return nil, err
	}
	return serverapi.GetAPIExplorer200TextHTMLResponse{Body: bytes.NewReader(page), ContentLength: int64(len(page))}, nil
}

// unavailable answers a write that could not be saved: nothing changed, try again.
func unavailable() *problem {
	p := newProblem(http.StatusServiceUnavailable, "unavailable", "Service Unavailable",
		"the change could not be saved, so it was not made; retry later")
	p.retryAfter = 1
	return p
}
