package mockserver

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// memberRec is one stored member: a person or service account that owns tokens. Members are
// few next to tokens, so the record is plain. It is the server's only in-memory shape of a
// member; newMemberRec builds it, toAPIMember turns it into the wire type.
type memberRec struct {
	id          uuid.UUID
	Seq         uint64 // creation order, for stable listing
	Username    string
	Role        string   // "admin" or "member"
	Permissions []string // catalogue order; for an admin, the whole catalogue
	Enabled     bool
	Builtin     bool      // the admin that owns the bootstrap token
	DisabledAt  time.Time // when !Enabled
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (m *memberRec) ID() string { return m.id.String() }

func (m *memberRec) admin() bool { return m.Role == string(serverapi.MemberRoleAdmin) }

func (m *memberRec) clone() *memberRec {
	c := *m
	c.Permissions = slices.Clone(m.Permissions)
	return &c
}

// holds reports whether the member holds scope as a permission (admins hold every scope).
func (m *memberRec) holds(scope string) bool { return m.rule().Holds(scope) }

// rule is m as sdk/policy sees it (Holds: admins hold every scope).
func (m *memberRec) rule() policy.Member {
	return policy.Member{ID: m.ID(), Admin: m.admin(), Permissions: m.Permissions}
}

func (m *memberRec) shape() memberShape {
	return memberShape{id: m.ID(), username: m.Username, role: m.Role, permissions: m.Permissions, enabled: m.Enabled, builtin: m.Builtin}
}

func toAPIMember(m *memberRec) serverapi.Member {
	perms := make([]serverapi.ScopeName, len(m.Permissions))
	for i, p := range m.Permissions {
		perms[i] = serverapi.ScopeName(p)
	}
	return serverapi.Member{
		ID: m.id, Username: m.Username, Role: serverapi.MemberRole(m.Role), Permissions: perms,
		Enabled: m.Enabled, Builtin: m.Builtin, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
}

// catalogueOrder returns scopes (catalogue names) in catalogue order, without duplicates.
func catalogueOrder(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, c := range catalogue {
		if slices.Contains(scopes, string(c.Name)) {
			out = append(out, string(c.Name))
		}
	}
	return out
}

// memberTables are the in-memory member tables: by id, by username, in listing order.
type memberTables struct {
	byID   map[uuid.UUID]*memberRec
	byName map[string]*memberRec
	order  []*memberRec
	seq    uint64
}

func newMemberTables() memberTables {
	return memberTables{byID: map[uuid.UUID]*memberRec{}, byName: map[string]*memberRec{}}
}

// put inserts or replaces m.
func (mt *memberTables) put(m *memberRec) {
	if old := mt.byID[m.id]; old != nil {
		delete(mt.byName, old.Username)
		i := slices.Index(mt.order, old)
		mt.order[i] = m
	} else {
		i, _ := slices.BinarySearchFunc(mt.order, m, func(a, b *memberRec) int {
			return int(int64(a.Seq) - int64(b.Seq))
		})
		mt.order = slices.Insert(mt.order, i, m)
	}
	mt.byID[m.id] = m
	mt.byName[m.Username] = m
	mt.seq = max(mt.seq, m.Seq)
}

func (mt *memberTables) remove(id uuid.UUID) {
	m := mt.byID[id]
	if m == nil {
		return
	}
	delete(mt.byID, id)
	delete(mt.byName, m.Username)
	mt.order = slices.DeleteFunc(mt.order, func(x *memberRec) bool { return x == m })
}

func newMemberID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// newMemberRec is a new, enabled member (Seq is given when the write inserts it).
func newMemberRec(username, role string, perms []string, now time.Time) *memberRec {
	return &memberRec{
		id: newMemberID(), Username: username, Role: role, Permissions: perms,
		Enabled: true, CreatedAt: now, UpdatedAt: now,
	}
}
