package mockserver

import "github.com/google/uuid"

// Every secret digest a token has ever held is recorded (changeIssue), whoever made the
// secret and whatever became of the token since (rotated away, revoked, swept): a secret a
// caller brings (the token field of create and rotate) is refused when its digest is among
// them, so a leaked old secret can never be made to work again, and two tokens never share a
// secret. The in-memory store keeps the set in a map; the SQLite store keeps it in the
// issued_digests table only (migrations/0003_issued_digests.sql), read by index in the write,
// so neither a write's cost nor the server's memory grows with the number of secrets issued.

// issue records the digests of t (a put of this batch) that the token did not hold before
// the put, as changes saved with the batch.
func (b *batch) issue(t *tokenRec) []change {
	var before *tokenRec
	if o, ok := b.overlay[t.id]; ok {
		before = o
	}
	var out []change
	for _, d := range t.digests() {
		if before != nil && before.holds(&d) {
			continue
		}
		if before == nil && b.st.holdsDigest(t.id, d) {
			continue
		}
		if _, dup := b.issued[d]; dup {
			continue
		}
		b.issued[d] = struct{}{}
		out = append(out, change{kind: changeIssue, dig: d})
	}
	return out
}

// holdsDigest reports whether the committed token id holds d (current or previous secret).
func (m *memStore) holdsDigest(id uuid.UUID, d digest) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	t := m.tb.tokens[id]
	return t != nil && t.holds(&d)
}

// everIssued reports whether d was ever the digest of a token's secret, as committed: from
// the map, or the SQLite store's table.
func (m *memStore) everIssued(d digest) (bool, error) {
	if m.issuedLookup != nil {
		return m.issuedLookup(d)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.issued[d]
	return ok, nil
}

// claimSecret refuses a secret the caller brought (its digest d) when any token has ever
// held it, committed or earlier in this write's batch. The answer does not say which token,
// nor when. Call it after the rules that may refuse the caller, so that a caller who may not
// make the change learns nothing about the secret.
func (tx *txn) claimSecret(d digest) error {
	for _, c := range tx.changes {
		if c.kind == changePut && c.tok.holds(&d) {
			return refuse(secretReused())
		}
	}
	if _, ok := tx.b.issued[d]; ok {
		return refuse(secretReused())
	}
	seen, err := tx.b.st.everIssued(d)
	if err != nil {
		return &unavailableError{err}
	}
	if seen {
		return refuse(secretReused())
	}
	return nil
}

func secretReused() *problem {
	return badRequest(fieldErrs{{Field: "token", Message: "has been a token's secret before: make a new one " +
		"(sdk.NewSecret, or the Terraform provider's tokenhub_token_secret) for every create and rotation"}})
}
