package mockserver

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// The member operations. A member change and its effect on the member's tokens (permissions
// removed from them, their owner-disabled state) are one store write: both or neither.

var errNoMember = errors.New("mockserver: no such member")

func memberNotFound(id string) *problem {
	return newProblem(http.StatusNotFound, "not-found", "Not Found", "member %s not found", id)
}

func usernameTaken(name string) *problem {
	return newProblem(http.StatusConflict, "conflict", "Conflict", "username %q is already taken", name)
}

func validateUsername(errs *fieldErrs, name string) {
	if err := validate.Username(name); err != nil {
		errs.add("username", "%s", err.Error())
	}
}

func validateRole(errs *fieldErrs, role serverapi.MemberRole) {
	if !role.Valid() {
		errs.add("role", "must be admin or member")
	}
}

// memberPerms validates permissions and returns them in catalogue order (every scope for an admin).
func memberPerms(errs *fieldErrs, role string, perms *[]serverapi.ScopeName) []string {
	if role == string(serverapi.MemberRoleAdmin) {
		return allScopeNames()
	}
	if perms == nil {
		return []string{}
	}
	var names []string
	seen := map[serverapi.ScopeName]bool{}
	for i, p := range *perms {
		switch {
		case !p.Valid():
			errs.add(fmt.Sprintf("permissions[%d]", i), "%q is not a scope of the catalogue", p)
		case seen[p]:
			errs.add(fmt.Sprintf("permissions[%d]", i), "%q is listed twice", p)
		default:
			names = append(names, string(p))
		}
		seen[p] = true
	}
	return catalogueOrder(names)
}

func encodeMemberCursor(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("m1:" + strconv.FormatUint(seq, 10)))
}

func decodeMemberCursor(s string) (uint64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "m1:")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	return n, err == nil
}

func (h *handlers) ListMembers(ctx context.Context, req serverapi.ListMembersRequestObject) (serverapi.ListMembersResponseObject, error) {
	var errs fieldErrs
	limit := pageLimit(&errs, req.Params.Limit)
	var after uint64
	if req.Params.Cursor != nil {
		var ok bool
		if after, ok = decodeMemberCursor(*req.Params.Cursor); !ok {
			errs.add("cursor", "is not a cursor from this server; pass next_cursor from the previous page")
		}
	}
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}
	page := serverapi.ListMembers200JSONResponse{Items: []serverapi.Member{}}
	var last uint64
	h.s.st.Members(after, func(m *memberRec) bool {
		if req.Params.Username != nil && m.Username != *req.Params.Username {
			return true
		}
		if len(page.Items) == limit {
			next := encodeMemberCursor(last)
			page.NextCursor = &next
			return false
		}
		page.Items = append(page.Items, toAPIMember(m))
		last = m.Seq
		return true
	})
	return page, nil
}

func (h *handlers) GetMember(ctx context.Context, req serverapi.GetMemberRequestObject) (serverapi.GetMemberResponseObject, error) {
	m, ok := h.s.st.Member(req.MemberID)
	if !ok {
		return fail(ctx, memberNotFound(req.MemberID.String())), nil
	}
	return serverapi.GetMember200JSONResponse(toAPIMember(m)), nil
}

func (h *handlers) CreateMember(ctx context.Context, req serverapi.CreateMemberRequestObject) (serverapi.CreateMemberResponseObject, error) {
	body := req.Body
	now := h.s.cfg.clock.Now()
	var errs fieldErrs
	validateUsername(&errs, body.Username)
	role := serverapi.MemberRoleMember
	if body.Role != nil {
		role = *body.Role
		validateRole(&errs, role)
	}
	perms := memberPerms(&errs, string(role), body.Permissions)
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}
	m := newMemberRec(body.Username, string(role), perms, now)
	if body.Enabled != nil && !*body.Enabled {
		m.Enabled, m.DisabledAt = false, now
	}
	err := h.s.st.Write(func(tx *txn) error {
		c, err := h.s.callerAtCommit(ctx, tx, now)
		if err != nil {
			return err
		}
		if p := c.canShapeMember("create", nil, m.shape()); p != nil {
			return refuse(p)
		}
		if _, taken := tx.memberNamed(m.Username); taken {
			return refuse(usernameTaken(m.Username))
		}
		tx.insertMember(m) // m is only read after this, for the response
		return nil
	})
	if err != nil {
		return memberStoreFailure[serverapi.CreateMemberResponseObject](ctx, err, "")
	}
	return serverapi.CreateMember201JSONResponse(toAPIMember(m)), nil
}

func (h *handlers) UpdateMember(ctx context.Context, req serverapi.UpdateMemberRequestObject) (serverapi.UpdateMemberResponseObject, error) {
	body := req.Body
	id := req.MemberID.String()
	now := h.s.cfg.clock.Now()
	var errs fieldErrs
	if body.Username != nil {
		validateUsername(&errs, *body.Username)
	}
	if body.Role != nil {
		validateRole(&errs, *body.Role)
	}
	if _, ok := h.s.st.Member(req.MemberID); !ok {
		return fail(ctx, memberNotFound(id)), nil
	}
	if len(errs) > 0 {
		return fail(ctx, badRequest(errs)), nil
	}
	var out *memberRec
	err := h.s.st.Write(func(tx *txn) error {
		c, err := h.s.callerAtCommit(ctx, tx, now)
		if err != nil {
			return err
		}
		m := tx.getMember(req.MemberID)
		if m == nil {
			return errNoMember
		}
		before := m.clone()
		var errs fieldErrs
		if body.Username != nil && *body.Username != m.Username {
			if _, taken := tx.memberNamed(*body.Username); taken {
				return refuse(usernameTaken(*body.Username))
			}
			m.Username = *body.Username
		}
		if body.Role != nil {
			m.Role = string(*body.Role)
		}
		if body.Permissions != nil || m.Role != before.Role {
			p := body.Permissions
			if p == nil && !m.admin() {
				// Demoted without a list: keep what was granted explicitly is unknowable, so none.
				p = &[]serverapi.ScopeName{}
			}
			m.Permissions = memberPerms(&errs, m.Role, p)
		}
		if len(errs) > 0 {
			return refuse(badRequest(errs))
		}
		if body.Enabled != nil && *body.Enabled != m.Enabled {
			m.Enabled = *body.Enabled
			if m.Enabled {
				m.DisabledAt = time.Time{}
			} else {
				m.DisabledAt = now
			}
		}
		bs := before.shape()
		if p := c.canShapeMember("change", &bs, m.shape()); p != nil {
			return refuse(p)
		}
		if memberEqual(before, m) {
			out = m
			return nil
		}
		after := m.rule()
		ch := policy.MemberChange{After: &after, Switched: before.Enabled != m.Enabled}
		var owned []*tokenRec
		if ch.Switched || len(after.Lacks(before.Permissions)) > 0 {
			owned = tx.ownedBy(m.id) // only a change that takes something away reaches tokens
		}
		field, effect := cascadeCause(body, before, m)
		if p := c.canCascade(field, effect, m, ch, owned); p != nil {
			return refuse(p)
		}
		m.UpdatedAt = now
		tx.putMember(m)
		for _, t := range cascadeToTokens(ch, owned, m, now) {
			tx.put(t)
		}
		out = m.clone()
		return nil
	})
	if err != nil {
		return memberStoreFailure[serverapi.UpdateMemberResponseObject](ctx, err, id)
	}
	return serverapi.UpdateMember200JSONResponse(toAPIMember(out)), nil
}

// cascadeToTokens is how the member's tokens follow the member, in the member's write: of
// owned (the member's tokens), each one the change ch reaches loses the permissions the member
// lost (updated_at changes) and stops or starts working with the member (its own enabled
// untouched). It returns those tokens as the write must save them.
func cascadeToTokens(ch policy.MemberChange, owned []*tokenRec, after *memberRec, now time.Time) []*tokenRec {
	var out []*tokenRec
	for _, t := range owned {
		if !ch.Reaches(shapeOf(t)) {
			continue
		}
		t = t.clone()
		scopes := t.Scopes()
		if kept := slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return !after.holds(s) }); len(kept) != len(scopes) {
			t.setScopes(kept)
			t.setUpdatedAt(now)
		}
		if ch.Switched {
			if after.Enabled {
				t.setOwnerOff(nil)
			} else {
				t.setOwnerOff(&now)
			}
		}
		out = append(out, t)
	}
	return out
}

// cascadeCause names the request field behind a member change's effect on its tokens, and
// the effect, for the refusal of a caller that could not make it itself.
func cascadeCause(body *serverapi.UpdateMemberRequest, before, after *memberRec) (field, effect string) {
	switch {
	case before.Enabled && !after.Enabled:
		return "enabled", "disable"
	case !before.Enabled && after.Enabled:
		return "enabled", "restore"
	case body.Role != nil && before.Role != after.Role:
		return "role", "narrow"
	}
	return "permissions", "narrow"
}

func memberEqual(a, b *memberRec) bool {
	return a.Username == b.Username && a.Role == b.Role && a.Enabled == b.Enabled &&
		slices.Equal(a.Permissions, b.Permissions)
}

func (h *handlers) DeleteMember(ctx context.Context, req serverapi.DeleteMemberRequestObject) (serverapi.DeleteMemberResponseObject, error) {
	id := req.MemberID.String()
	now := h.s.cfg.clock.Now()
	var revoked []string
	err := h.s.st.Write(func(tx *txn) error {
		c, err := h.s.callerAtCommit(ctx, tx, now)
		if err != nil {
			return err
		}
		m := tx.getMember(req.MemberID)
		if m == nil {
			return errNoMember
		}
		if p := c.canDeleteMember(m.shape()); p != nil {
			return refuse(p)
		}
		owned := tx.ownedBy(m.id)
		if p := c.canCascade("id", "revoke", m, policy.MemberChange{}, owned); p != nil {
			return refuse(p)
		}
		for _, t := range owned {
			if t.Bootstrap {
				return refuse(bootstrapRevoke())
			}
			tx.del(t.id)
			revoked = append(revoked, t.ID())
		}
		tx.delMember(m.id)
		return nil
	})
	if err != nil {
		return memberStoreFailure[serverapi.DeleteMemberResponseObject](ctx, err, id)
	}
	for _, tid := range revoked {
		h.s.limiter.forget(tid)
	}
	return serverapi.DeleteMember204Response{}, nil
}

// memberStoreFailure is storeFailure for member writes.
func memberStoreFailure[R any](ctx context.Context, err error, id string) (R, error) {
	if errors.Is(err, errNoMember) {
		var zero R
		resp, ok := any(fail(ctx, memberNotFound(id))).(R)
		if !ok {
			return zero, err
		}
		return resp, nil
	}
	return storeFailure[R](ctx, err, id)
}
