package sdk

import (
	"context"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// ListScopes returns the scope catalogue: every scope a token can hold.
func (c *Client) ListScopes(ctx context.Context, opts ...CallOption) ([]Scope, error) {
	p, err := prepare(ctx, "list scopes", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.ListScopes(p.ctx, p.editors...)
	var list models.ScopeList
	if err := c.call("list scopes", "", resp, err, &list); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// Me describes the calling token: owner, id, scopes and whether it is an admin.
// policy.CallerFromMe (package sdk/policy) turns it into the no-widening rule's Caller.
func (c *Client) Me(ctx context.Context, opts ...CallOption) (*Me, error) {
	p, err := prepare(ctx, "me", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.GetMe(p.ctx, p.editors...)
	var me Me
	if err := c.call("me", "", resp, err, &me); err != nil {
		return nil, err
	}
	return &me, nil
}
