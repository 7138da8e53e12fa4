package sdk

import (
	"context"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
)

// ListOptions filters and pages ListTokens and Tokens. Zero values are left
// out of the request (the server's default page size is 50, maximum 100). The
// server applies every filter, all of them together; keep them the same from
// page to page (Tokens does).
type ListOptions struct {
	Limit  int
	Cursor string
	Name   string
	Status TokenStatus
	// Owner keeps only the tokens of this member (a member id).
	Owner string
	// NamePrefix keeps only the tokens whose name starts with it (case-sensitive).
	NamePrefix string
	// ExpiresBefore keeps only the tokens with an expiry strictly before it,
	// already expired ones included (add Status: StatusActive to leave them out).
	ExpiresBefore time.Time
	// UnusedSince keeps only the tokens not used since it: last used before it,
	// or never used and created before it (a token made a minute ago is not
	// "unused for 90 days"). For that job: time.Now().Add(-90 * 24 * time.Hour).
	UnusedSince time.Time
}

func (o ListOptions) params() *apigen.ListTokensParams {
	p := &apigen.ListTokensParams{}
	if o.Limit != 0 {
		p.Limit = Ptr(o.Limit)
	}
	if o.Cursor != "" {
		p.Cursor = Ptr(o.Cursor)
	}
	if o.Name != "" {
		p.Name = Ptr(o.Name)
	}
	if o.Status != "" {
		p.Status = Ptr(o.Status)
	}
	if o.Owner != "" {
		// ListTokens checked it is a UUID.
		p.Owner = Ptr(o.Owner)
	}
	if o.NamePrefix != "" {
		p.NamePrefix = Ptr(o.NamePrefix)
	}
	if !o.ExpiresBefore.IsZero() {
		p.ExpiresBefore = Ptr(o.ExpiresBefore.UTC().Format(time.RFC3339Nano))
	}
	if !o.UnusedSince.IsZero() {
		p.UnusedSince = Ptr(o.UnusedSince.UTC().Format(time.RFC3339Nano))
	}
	return p
}

// ListTokens returns one page of the tokens the caller may see, oldest first.
// Pass the page's NextCursor as opts.Cursor for the next one, or use [Client.Tokens].
func (c *Client) ListTokens(ctx context.Context, opts ListOptions, callOpts ...CallOption) (*TokenPage, error) {
	if opts.Owner != "" {
		owner, err := c.parseMemberID(opts.Owner)
		if err != nil {
			return nil, err
		}
		opts.Owner = owner
	}
	p, err := prepare(ctx, "list tokens", callOpts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.ListTokens(p.ctx, opts.params(), p.editors...)
	var page TokenPage
	if err := c.call("list tokens", "", resp, err, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Tokens iterates over every token matching opts, fetching pages as needed
// (starting at opts.Cursor). It stops fetching when the loop breaks. On an
// error it yields the error once, with a zero Token, and stops. callOpts apply
// to each page's request ([WithCallTimeout] bounds each page, not the loop).
func (c *Client) Tokens(ctx context.Context, opts ListOptions, callOpts ...CallOption) iter.Seq2[Token, error] {
	return paged("list tokens", opts.Cursor, func(cursor string) ([]Token, *string, error) {
		opts.Cursor = cursor
		page, err := c.ListTokens(ctx, opts, callOpts...)
		if err != nil {
			return nil, nil, err
		}
		return page.Items, page.NextCursor, nil
	})
}

// GetToken returns one token, without its secret.
func (c *Client) GetToken(ctx context.Context, id string, opts ...CallOption) (*Token, error) {
	uid, err := c.parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := prepare(ctx, "get token", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.GetToken(p.ctx, uid, p.editors...)
	var t Token
	if err := c.call("get token", id, resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateToken creates a token; the secret is in the result and never again.
// Each call sends a fresh Idempotency-Key, reused across its retries, so a
// retried create never makes a second token; [WithIdempotencyKey] supplies a
// key of the caller's, so that a later call with it does not create again.
func (c *Client) CreateToken(ctx context.Context, req CreateTokenRequest, opts ...CallOption) (*TokenWithSecret, error) {
	p, err := prepare(ctx, "create token", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	params := &apigen.CreateTokenParams{IdempotencyKey: p.idempotencyKey(uuid.NewString)}
	resp, err := c.api.CreateToken(p.ctx, params, req, p.editors...)
	var t TokenWithSecret
	if err := c.call("create token", "", resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// UpdateToken changes the fields set in req; nil fields and an unset
// ExpiresAt are left out and keep their value, and ExpiresAt set to
// [NoExpiry] removes the expiry.
func (c *Client) UpdateToken(ctx context.Context, id string, req UpdateTokenRequest, opts ...CallOption) (*Token, error) {
	uid, err := c.parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := prepare(ctx, "update token", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.UpdateToken(p.ctx, uid, req, p.editors...)
	var t Token
	if err := c.call("update token", id, resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// RotateToken issues a new secret for the token. With req.Overlap (a
// time.Duration, at most [MaxOverlap]) the previous secret keeps working that long. req.ExpiresAt sets
// the new expiry; [NoExpiry] clears it. Like CreateToken it is safe to retry,
// and takes [WithIdempotencyKey].
func (c *Client) RotateToken(ctx context.Context, id string, req RotateTokenRequest, opts ...CallOption) (*TokenWithSecret, error) {
	uid, err := c.parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := prepare(ctx, "rotate token", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	params := &apigen.RotateTokenParams{IdempotencyKey: p.idempotencyKey(uuid.NewString)}
	resp, err := c.api.RotateToken(p.ctx, uid, params, req, p.editors...)
	var t TokenWithSecret
	if err := c.call("rotate token", id, resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// RevokeToken revokes the token at once. An unknown id is ErrNotFound.
func (c *Client) RevokeToken(ctx context.Context, id string, opts ...CallOption) error {
	uid, err := c.parseID(id)
	if err != nil {
		return err
	}
	p, err := prepare(ctx, "revoke token", opts)
	if err != nil {
		return err
	}
	defer p.cancel()
	resp, err := c.api.RevokeToken(p.ctx, uid, p.editors...)
	return c.call("revoke token", id, resp, err, nil)
}

// parseID checks a token id locally, so a malformed one never reaches the server.
func (c *Client) parseID(id string) (string, error) { return c.parseKindID("token", id) }

// parseKindID checks an id of the given kind ("token", "member") locally. The
// id is echoed in the error, scrubbed in case a secret was passed by mistake.
// It returns the id in canonical (lower-case) form.
func (c *Client) parseKindID(kind, id string) (string, error) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return "", validationErrorf("tokenhub: invalid %s id %q: not a UUID", kind, redactText(id, c.secret))
	}
	return u.String(), nil
}
