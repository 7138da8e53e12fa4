package mockserver

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// handlers implements the generated strict-server interface on top of the store. By the time
// a handler runs, the caller is authenticated, holds the operation's scope and the body has
// been decoded strictly (see serveAPI).
type handlers struct{ s *Server }

var _ serverapi.StrictServerInterface = (*handlers)(nil)

func fail(ctx context.Context, p *problem) problemResponse {
	return problemResponse{p: p, instance: infoFrom(ctx).path}
}

func (h *handlers) ListTokens(ctx context.Context, req serverapi.ListTokensRequestObject) (serverapi.ListTokensResponseObject, error) {
	c := infoFrom(ctx).caller
	limit := defaultPageSize
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	var errs fieldErrs
	if limit < 1 || limit > maxPageSize {
		errs.add("limit", "must be an integer from 1 to %d", maxPageSize)
	}
	var after *cursor
	if req.Params.Cursor != nil {
		cur, err := decodeCursor(*req.Params.Cursor)
		if err != nil {
			errs.add("cursor", "is not a cursor from this server; pass next_cursor from the previous page")
		}
		after = &cur
	}
	if req.Params.Status != nil && !req.Params.Status.Valid() {
		errs.add("status", "must be one of active, disabled, expired")
	}
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}

	now := h.s.cfg.clock.Now()
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	page := serverapi.ListTokens200JSONResponse{Items: []serverapi.Token{}}
	for _, t := range h.s.st.ordered() {
		if !h.s.visible(c, t, now) || (after != nil && !after.after(t)) {
			continue
		}
		if req.Params.Name != nil && t.Name != *req.Params.Name {
			continue
		}
		if req.Params.Status != nil && statusOf(t, now) != *req.Params.Status {
			continue
		}
		if len(page.Items) == limit {
			// There is at least one more: point the cursor after the page's last item.
			last := page.Items[len(page.Items)-1]
			next := cursor{seq: h.s.st.tokens[last.Id].Seq, id: last.Id.String()}.encode()
			page.NextCursor = &next
			break
		}
		page.Items = append(page.Items, toAPIToken(t, now))
	}
	return page, nil
}

func (h *handlers) GetToken(ctx context.Context, req serverapi.GetTokenRequestObject) (serverapi.GetTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	id := req.TokenId.String()
	now := h.s.cfg.clock.Now()
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	t := h.s.st.tokens[req.TokenId]
	if t == nil || !h.s.visible(c, t, now) {
		return fail(ctx, notFound(id)), nil
	}
	return serverapi.GetToken200JSONResponse(toAPIToken(t, now)), nil
}

func (h *handlers) CreateToken(ctx context.Context, req serverapi.CreateTokenRequestObject) (serverapi.CreateTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	body := req.Body
	now := h.s.cfg.clock.Now()

	var errs fieldErrs
	validateName(&errs, body.Name)
	scopes := validateScopes(&errs, body.Scopes)
	var ips []string
	if body.AllowedIps != nil {
		ips = *body.AllowedIps
	}
	prefixes := validateAllowedIPs(&errs, ips)
	expires, _ := validateExpiry(&errs, "expires_at", body.ExpiresAt, now)
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}
	if missing := c.missing(scopes); len(missing) > 0 {
		return fail(ctx, escalation(missing)), nil
	}

	secret, err := NewSecret()
	if err != nil {
		return nil, err
	}
	enabled := body.Enabled == nil || *body.Enabled
	f := tokenFields{
		ID: newTokenID(), Name: body.Name, Owner: c.owner, Scopes: scopes,
		AllowedIPs: ips, allowed: prefixes,
		ExpiresAt: expires, Enabled: enabled, CreatedAt: now, UpdatedAt: now,
		Digest: digestOf(secret), TokenHint: hintOf(secret),
	}
	if !enabled {
		f.DisabledAt = &now
	}
	t := newTokenRec(f)
	h.s.mu.Lock()
	h.s.st.insert(t)
	out := withSecret(toAPIToken(t, now), secret)
	h.s.mu.Unlock()
	h.s.persist()
	return serverapi.CreateToken201JSONResponse(out), nil
}

func escalation(missing []string) *problem {
	return forbidden("cannot grant scopes the calling token does not hold: %s", strings.Join(missing, ", "))
}

func (h *handlers) UpdateToken(ctx context.Context, req serverapi.UpdateTokenRequestObject) (serverapi.UpdateTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	id := req.TokenId.String()
	body := req.Body
	now := h.s.cfg.clock.Now()

	h.s.mu.Lock()
	t := h.s.st.tokens[req.TokenId]
	if t == nil || !h.s.visible(c, t, now) {
		h.s.mu.Unlock()
		return fail(ctx, notFound(id)), nil
	}
	// Validate everything before changing anything.
	var errs fieldErrs
	if body.Name != nil {
		validateName(&errs, *body.Name)
	}
	var scopes []string
	if body.Scopes != nil {
		scopes = validateScopes(&errs, *body.Scopes)
	}
	var prefixes [][]netip.Prefix
	if body.AllowedIps != nil {
		prefixes = append(prefixes, validateAllowedIPs(&errs, *body.AllowedIps))
	}
	expires, expirySet := validateExpiry(&errs, "expires_at", body.ExpiresAt, now)
	if len(errs) > 0 {
		h.s.mu.Unlock()
		return fail(ctx, badRequest(errs)), nil
	}
	if body.Scopes != nil {
		if missing := c.missing(scopes); len(missing) > 0 {
			h.s.mu.Unlock()
			return fail(ctx, escalation(missing)), nil
		}
	}

	changed := false
	if body.Name != nil && *body.Name != t.Name {
		t.Name, changed = *body.Name, true
	}
	if body.Scopes != nil && !t.sameScopes(scopes) {
		t.setScopes(scopes)
		changed = true
	}
	if body.AllowedIps != nil && !slices.Equal(*body.AllowedIps, t.allowedIPs()) {
		t.setAllowedIPs(*body.AllowedIps, prefixes[0])
		changed = true
	}
	if expirySet && !timePtrEqual(expires, t.ExpiresAt()) {
		t.setExpiresAt(expires)
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
	if changed {
		t.setUpdatedAt(now)
	}
	out := toAPIToken(t, now)
	h.s.mu.Unlock()
	if changed {
		h.s.persist()
	}
	return serverapi.UpdateToken200JSONResponse(out), nil
}

func timePtrEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func (h *handlers) RotateToken(ctx context.Context, req serverapi.RotateTokenRequestObject) (serverapi.RotateTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	id := req.TokenId.String()
	body := req.Body
	if body == nil {
		body = &serverapi.RotateTokenRequest{}
	}
	now := h.s.cfg.clock.Now()
	secret, err := NewSecret()
	if err != nil {
		return nil, err
	}

	h.s.mu.Lock()
	t := h.s.st.tokens[req.TokenId]
	if t == nil || !h.s.visible(c, t, now) {
		h.s.mu.Unlock()
		return fail(ctx, notFound(id)), nil
	}
	var errs fieldErrs
	overlap := validateOverlap(&errs, body.Overlap)
	expires, expirySet := validateExpiry(&errs, "expires_at", body.ExpiresAt, now)
	if len(errs) > 0 {
		h.s.mu.Unlock()
		return fail(ctx, badRequest(errs)), nil
	}
	// The new secret carries the token's scopes: handing it to a caller who lacks some of them
	// would be an escalation.
	if missing := c.missing(t.Scopes()); len(missing) > 0 {
		h.s.mu.Unlock()
		return fail(ctx, forbidden("cannot rotate a token holding scopes the calling token does not hold: %s",
			strings.Join(missing, ", "))), nil
	}
	h.s.st.setSecret(t, secret, now, overlap)
	if expirySet {
		t.setExpiresAt(expires)
	}
	t.setUpdatedAt(now)
	out := withSecret(toAPIToken(t, now), secret)
	h.s.mu.Unlock()
	h.s.persist()
	return serverapi.RotateToken200JSONResponse(out), nil
}

func (h *handlers) RevokeToken(ctx context.Context, req serverapi.RevokeTokenRequestObject) (serverapi.RevokeTokenResponseObject, error) {
	c := infoFrom(ctx).caller
	id := req.TokenId.String()
	now := h.s.cfg.clock.Now()
	h.s.mu.Lock()
	t := h.s.st.tokens[req.TokenId]
	if t == nil || !h.s.visible(c, t, now) {
		h.s.mu.Unlock()
		return fail(ctx, notFound(id)), nil
	}
	h.s.st.remove(req.TokenId)
	h.s.mu.Unlock()
	h.s.limiter.forget(id)
	h.s.persist()
	return serverapi.RevokeToken204Response{}, nil
}

func (h *handlers) ListScopes(ctx context.Context, _ serverapi.ListScopesRequestObject) (serverapi.ListScopesResponseObject, error) {
	return serverapi.ListScopes200JSONResponse{Items: slices.Clone(catalogue)}, nil
}

func (h *handlers) GetMe(ctx context.Context, _ serverapi.GetMeRequestObject) (serverapi.GetMeResponseObject, error) {
	c := infoFrom(ctx).caller
	var scopes []serverapi.ScopeName
	if c.admin {
		for _, sc := range catalogue {
			scopes = append(scopes, sc.Name)
		}
	} else {
		for _, sc := range c.scopes {
			scopes = append(scopes, serverapi.ScopeName(sc))
		}
	}
	me := serverapi.GetMe200JSONResponse{Owner: c.owner, Admin: c.admin, Scopes: scopes}
	if err := me.TokenId.UnmarshalText([]byte(c.id)); err != nil {
		return nil, err
	}
	return me, nil
}

func (h *handlers) GetAPIDocs(ctx context.Context, _ serverapi.GetAPIDocsRequestObject) (serverapi.GetAPIDocsResponseObject, error) {
	return apiDocument{origin: originFrom(ctx)}, nil // docs.go
}

func (h *handlers) GetAPIExplorer(ctx context.Context, _ serverapi.GetAPIExplorerRequestObject) (serverapi.GetAPIExplorerResponseObject, error) {
	page, err := swaggerFS.ReadFile("swaggerui/index.html")
	if err != nil {
		return nil, err
	}
	return serverapi.GetAPIExplorer200TexthtmlResponse{Body: bytes.NewReader(page), ContentLength: int64(len(page))}, nil
}
