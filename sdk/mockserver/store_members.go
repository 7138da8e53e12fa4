package mockserver

import (
	"github.com/google/uuid"
)

// Members in the store: reads from the committed tables, and the write-side operations a
// transaction (txn) uses, so a member change and its cascade to the member's tokens are one
// write: saved together, or not at all.

func (m *memStore) Member(id uuid.UUID) (*memberRec, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if r := m.tb.members.byID[id]; r != nil {
		return r.clone(), true
	}
	return nil, false
}

func (m *memStore) MemberByName(username string) (*memberRec, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if r := m.tb.members.byName[username]; r != nil {
		return r.clone(), true
	}
	return nil, false
}

func (m *memStore) Members(afterSeq uint64, fn func(r *memberRec) bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, r := range m.tb.members.order {
		if r.Seq > afterSeq && !fn(r) {
			return
		}
	}
}

// getMember returns a copy of member id as this write sees it, or nil.
func (tx *txn) getMember(id uuid.UUID) *memberRec {
	for i := len(tx.changes) - 1; i >= 0; i-- {
		switch c := tx.changes[i]; {
		case c.kind == changeMemberPut && c.mem.id == id:
			return c.mem.clone()
		case c.kind == changeMemberDel && c.id == id:
			return nil
		}
	}
	if r, ok := tx.b.members[id]; ok {
		if r == nil {
			return nil
		}
		return r.clone()
	}
	r, _ := tx.b.st.Member(id)
	return r
}

// memberNamed returns the id of the member named username as this write sees it.
func (tx *txn) memberNamed(username string) (uuid.UUID, bool) {
	seen := map[uuid.UUID]bool{}
	for i := len(tx.changes) - 1; i >= 0; i-- {
		c := tx.changes[i]
		switch c.kind {
		case changeMemberPut:
			if !seen[c.mem.id] && c.mem.Username == username {
				return c.mem.id, true
			}
			seen[c.mem.id] = true
		case changeMemberDel:
			seen[c.id] = true
		}
	}
	for id, r := range tx.b.members {
		if !seen[id] && r != nil && r.Username == username {
			return id, true
		}
		seen[id] = true
	}
	if r, ok := tx.b.st.MemberByName(username); ok && !seen[r.id] {
		return r.id, true
	}
	return uuid.UUID{}, false
}

func (tx *txn) putMember(r *memberRec) {
	tx.changes = append(tx.changes, change{kind: changeMemberPut, mem: r})
}

// insertMember gives m the next sequence number and saves it as a new member.
func (tx *txn) insertMember(m *memberRec) {
	m.Seq = tx.nextMemberSeq()
	tx.putMember(m)
}

func (tx *txn) delMember(id uuid.UUID) {
	tx.changes = append(tx.changes, change{kind: changeMemberDel, id: id})
}

// nextMemberSeq hands out the next member sequence number.
func (tx *txn) nextMemberSeq() uint64 {
	seq := tx.b.st.memberSeq()
	for _, r := range tx.b.members {
		if r != nil {
			seq = max(seq, r.Seq)
		}
	}
	for _, c := range tx.changes {
		if c.kind == changeMemberPut {
			seq = max(seq, c.mem.Seq)
		}
	}
	return seq + 1
}

func (m *memStore) memberSeq() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.tb.members.seq
}

// ownedBy returns copies of the tokens owned by member id, as this write sees them: the
// committed ones from the owner index (tables.byOwner), then the batch's own changes.
func (tx *txn) ownedBy(id uuid.UUID) []*tokenRec {
	owner := id.String()
	var ids []uuid.UUID
	tx.b.st.mu.RLock()
	for _, t := range tx.b.st.tb.owned(owner) {
		ids = append(ids, t.id)
	}
	tx.b.st.mu.RUnlock()
	for tid, t := range tx.b.overlay {
		if t != nil && t.Owner() == owner {
			ids = append(ids, tid)
		}
	}
	for _, c := range tx.changes {
		if c.kind == changePut && c.tok.Owner() == owner {
			ids = append(ids, c.tok.id)
		}
	}
	var out []*tokenRec
	seen := map[uuid.UUID]bool{}
	for _, tid := range ids {
		if seen[tid] {
			continue
		}
		seen[tid] = true
		if t := tx.get(tid); t != nil && t.Owner() == owner {
			out = append(out, t)
		}
	}
	return out
}
