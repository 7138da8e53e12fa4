package sdk

import (
	"context"
	"iter"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
)

// MemberListOptions filters and pages ListMembers and Members. Zero values are
// left out of the request (the server's default page size is 50, maximum 100).
type MemberListOptions struct {
	Limit    int
	Cursor   string
	Username string
}

func (o MemberListOptions) params() *apigen.ListMembersParams {
	p := &apigen.ListMembersParams{}
	if o.Limit != 0 {
		p.Limit = Ptr(o.Limit)
	}
	if o.Cursor != "" {
		p.Cursor = Ptr(o.Cursor)
	}
	if o.Username != "" {
		p.Username = Ptr(o.Username)
	}
	return p
}

// ListMembers returns one page of members, oldest first. Pass the page's
// NextCursor as opts.Cursor for the next one, or use [Client.Members].
func (c *Client) ListMembers(ctx context.Context, opts MemberListOptions, callOpts ...CallOption) (*MemberPage, error) {
	p, err := prepare(ctx, "list members", callOpts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.ListMembers(p.ctx, opts.params(), p.editors...)
	var page MemberPage
	if err := c.call("list members", "", resp, err, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Members iterates over every member matching opts, fetching pages as needed.
// It stops fetching when the loop breaks. On an error it yields the error once,
// with a zero Member, and stops. callOpts apply to each page's request.
func (c *Client) Members(ctx context.Context, opts MemberListOptions, callOpts ...CallOption) iter.Seq2[Member, error] {
	return paged("list members", opts.Cursor, func(cursor string) ([]Member, *string, error) {
		opts.Cursor = cursor
		page, err := c.ListMembers(ctx, opts, callOpts...)
		if err != nil {
			return nil, nil, err
		}
		return page.Items, page.NextCursor, nil
	})
}

// GetMember returns one member.
func (c *Client) GetMember(ctx context.Context, id string, opts ...CallOption) (*Member, error) {
	uid, err := c.parseMemberID(id)
	if err != nil {
		return nil, err
	}
	p, err := prepare(ctx, "get member", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.GetMember(p.ctx, uid, p.editors...)
	var m Member
	if err := c.call("get member", id, resp, err, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// CreateMember creates a member (a person or a service account). Like
// CreateToken it sends an Idempotency-Key, so a retried create never makes a
// second member, and takes [WithIdempotencyKey].
func (c *Client) CreateMember(ctx context.Context, req CreateMemberRequest, opts ...CallOption) (*Member, error) {
	p, err := prepare(ctx, "create member", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	params := &apigen.CreateMemberParams{IdempotencyKey: p.idempotencyKey(uuid.NewString)}
	resp, err := c.api.CreateMember(p.ctx, params, req, p.editors...)
	var m Member
	if err := c.call("create member", "", resp, err, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// UpdateMember changes the fields set in req. Permissions removed are removed
// from the member's tokens too; Enabled false stops all of their tokens.
func (c *Client) UpdateMember(ctx context.Context, id string, req UpdateMemberRequest, opts ...CallOption) (*Member, error) {
	uid, err := c.parseMemberID(id)
	if err != nil {
		return nil, err
	}
	p, err := prepare(ctx, "update member", opts)
	if err != nil {
		return nil, err
	}
	defer p.cancel()
	resp, err := c.api.UpdateMember(p.ctx, uid, req, p.editors...)
	var m Member
	if err := c.call("update member", id, resp, err, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// DeleteMember deletes the member and revokes every token they own. An
// unknown id is ErrNotFound.
func (c *Client) DeleteMember(ctx context.Context, id string, opts ...CallOption) error {
	uid, err := c.parseMemberID(id)
	if err != nil {
		return err
	}
	p, err := prepare(ctx, "delete member", opts)
	if err != nil {
		return err
	}
	defer p.cancel()
	resp, err := c.api.DeleteMember(p.ctx, uid, p.editors...)
	return c.call("delete member", id, resp, err, nil)
}

func (c *Client) parseMemberID(id string) (string, error) {
	return c.parseKindID("member", id)
}
