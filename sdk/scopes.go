package sdk

import (
	"context"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
)

// ListScopes returns the scope catalogue: every scope a token can hold.
func (c *Client) ListScopes(ctx context.Context) ([]Scope, error) {
	resp, err := c.api.ListScopes(ctx)
	var list apigen.ScopeList
	if err := c.call("list scopes", "", resp, err, &list); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// Me describes the calling token: owner, id, scopes and whether it is an admin.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	resp, err := c.api.GetMe(ctx)
	var me Me
	if err := c.call("me", "", resp, err, &me); err != nil {
		return nil, err
	}
	return &me, nil
}
