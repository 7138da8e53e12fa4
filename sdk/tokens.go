package sdk

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
)

// ListOptions filters and pages ListTokens and Tokens. Zero values are left
// out of the request (the server's default page size is 50, maximum 100).
type ListOptions struct {
	Limit  int
	Cursor string
	Name   string
	Status TokenStatus
	// Owner keeps only the tokens of this member (a member id).
	Owner string
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
		u := uuid.MustParse(o.Owner)
		p.Owner = &u
	}
	return p
}

// ListTokens returns one page of the tokens the caller may see, oldest first.
// Pass the page's NextCursor as opts.Cursor for the next one, or use [Client.Tokens].
func (c *Client) ListTokens(ctx context.Context, opts ListOptions) (*TokenPage, error) {
	if opts.Owner != "" {
		if _, err := c.parseMemberID(opts.Owner); err != nil {
			return nil, err
		}
	}
	resp, err := c.api.ListTokens(ctx, opts.params())
	var page TokenPage
	if err := c.call("list tokens", "", resp, err, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Tokens iterates over every token matching opts, fetching pages as needed
// (starting at opts.Cursor). It stops fetching when the loop breaks. On an
// error it yields the error once, with a zero Token, and stops.
func (c *Client) Tokens(ctx context.Context, opts ListOptions) iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		for {
			page, err := c.ListTokens(ctx, opts)
			if err != nil {
				yield(Token{}, err)
				return
			}
			for _, t := range page.Items {
				if !yield(t, nil) {
					return
				}
			}
			if page.NextCursor == nil || *page.NextCursor == "" {
				return
			}
			if *page.NextCursor == opts.Cursor {
				// A server answering the same cursor again would loop forever.
				yield(Token{}, fmt.Errorf("tokenhub: list tokens: server returned the same cursor %q twice", opts.Cursor))
				return
			}
			opts.Cursor = *page.NextCursor
		}
	}
}

// GetToken returns one token, without its secret.
func (c *Client) GetToken(ctx context.Context, id string) (*Token, error) {
	uid, err := c.parseID(id)
	if err != nil {
		return nil, err
	}
	resp, err := c.api.GetToken(ctx, uid)
	var t Token
	if err := c.call("get token", id, resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateToken creates a token; the secret is in the result and never again.
// Each call sends a fresh Idempotency-Key, reused across its retries, so a
// retried create never makes a second token.
func (c *Client) CreateToken(ctx context.Context, req CreateTokenRequest) (*TokenWithSecret, error) {
	params := &apigen.CreateTokenParams{IdempotencyKey: Ptr(uuid.NewString())}
	resp, err := c.api.CreateToken(ctx, params, req)
	var t TokenWithSecret
	if err := c.call("create token", "", resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// UpdateToken changes the fields set in req; nil fields and an unset
// ExpiresAt are left out and keep their value, and ExpiresAt set to
// [NoExpiry] removes the expiry.
func (c *Client) UpdateToken(ctx context.Context, id string, req UpdateTokenRequest) (*Token, error) {
	uid, err := c.parseID(id)
	if err != nil {
		return nil, err
	}
	resp, err := c.api.UpdateToken(ctx, uid, req)
	var t Token
	if err := c.call("update token", id, resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// RotateToken issues a new secret for the token. With req.Overlap the
// previous secret keeps working that long. Like CreateToken it is safe to retry.
func (c *Client) RotateToken(ctx context.Context, id string, req RotateTokenRequest) (*TokenWithSecret, error) {
	uid, err := c.parseID(id)
	if err != nil {
		return nil, err
	}
	params := &apigen.RotateTokenParams{IdempotencyKey: Ptr(uuid.NewString())}
	resp, err := c.api.RotateToken(ctx, uid, params, req)
	var t TokenWithSecret
	if err := c.call("rotate token", id, resp, err, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// RevokeToken revokes the token at once. An unknown id is ErrNotFound.
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	uid, err := c.parseID(id)
	if err != nil {
		return err
	}
	resp, err := c.api.RevokeToken(ctx, uid)
	return c.call("revoke token", id, resp, err, nil)
}

// parseID checks a token id locally, so a malformed one never reaches the server.
func (c *Client) parseID(id string) (uuid.UUID, error) { return c.parseKindID("token", id) }

// parseKindID checks an id of the given kind ("token", "member") locally. The
// id is echoed in the error, scrubbed in case a secret was passed by mistake.
func (c *Client) parseKindID(kind, id string) (uuid.UUID, error) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		if c.secret != "" {
			id = strings.ReplaceAll(id, c.secret, redacted)
		}
		return uuid.UUID{}, fmt.Errorf("tokenhub: invalid %s id %q: not a UUID", kind, id)
	}
	return u, nil
}
