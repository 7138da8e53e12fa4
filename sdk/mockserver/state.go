package mockserver

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

const stateVersion = 1

// stateDoc is the state file of earlier releases, which now is only imported into a database
// (see WithStateFile): every token with the SHA-256 digests of its secrets, never a secret.
// Its stateToken stays a type of its own because it is a file format that no longer changes
// (its field names, hex digests and seq are not the API's), decoded strictly. Its digests are
// plain SHA-256, stored keyed on import.
type stateDoc struct {
	Version int          `json:"version"`
	Seq     uint64       `json:"seq"`
	Tokens  []stateToken `json:"tokens"`
}

type stateToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Owner      string     `json:"owner"`
	Admin      bool       `json:"admin,omitempty"`
	Bootstrap  bool       `json:"bootstrap,omitempty"`
	Scopes     []string   `json:"scopes"`
	AllowedIPs []string   `json:"allowed_ips"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	Enabled    bool       `json:"enabled"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	TokenHint  string     `json:"token_hint"`
	Digest     string     `json:"sha256"`
	PrevDigest string     `json:"previous_sha256,omitempty"`
	PrevUntil  *time.Time `json:"previous_until,omitempty"`
	Seq        uint64     `json:"seq"`
}

// readStateFile reads and strictly decodes an old state file for import.
func readStateFile(path string) ([]*tokenRec, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("mockserver: reading state file %s: %w", path, err)
	}
	fields, err := decodeState(data)
	if err != nil {
		return nil, nil, fmt.Errorf("mockserver: state file %s is corrupt (fix or remove it): %w", path, err)
	}
	return fields, data, nil
}

// decodeState decodes a state file, refusing anything the API could not have written:
// unknown fields or version, duplicate ids or digests, invalid names, scopes or IPs.
func decodeState(data []byte) ([]*tokenRec, error) {
	var doc stateDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON document")
	}
	if doc.Version != stateVersion {
		return nil, fmt.Errorf("unsupported version %d (want %d)", doc.Version, stateVersion)
	}
	check := newTables() // for the duplicate checks
	seqs := map[uint64]bool{}
	out := make([]*tokenRec, 0, len(doc.Tokens))
	for i, in := range doc.Tokens {
		f, err := decodeStateToken(in)
		if err == nil {
			err = check.add(f)
		}
		if err == nil && seqs[f.Seq] {
			err = fmt.Errorf("duplicate seq %d", f.Seq)
		}
		if err == nil {
			seqs[f.Seq] = true
		}
		if err != nil {
			return nil, fmt.Errorf("tokens[%d] (id %q): %w", i, in.ID, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// checkStateBootstrap refuses a state file that would mint an admin. The server repairs the
// bootstrap token at every start into an admin token that cannot be revoked, disabled or
// deleted with its member, so a file holds at most one, and it belongs to the built-in admin
// (owners: its owner label in old files, then its member id if the database has one).
func checkStateBootstrap(recs []*tokenRec, owners []string) error {
	first := -1
	for i, t := range recs {
		if !t.Bootstrap {
			continue
		}
		if first >= 0 {
			return fmt.Errorf("tokens[%d] (id %s) is a second bootstrap token (the first is tokens[%d], id %s): a state file holds at most one",
				i, t.ID(), first, recs[first].ID())
		}
		first = i
		if !slices.Contains(owners, t.Owner()) {
			return fmt.Errorf("tokens[%d] (id %s) is the bootstrap token but belongs to %q: it must belong to the built-in admin (owner %q)",
				i, t.ID(), t.Owner(), owners[0])
		}
	}
	return nil
}

func decodeStateToken(in stateToken) (*tokenRec, error) {
	id, ok := parseTokenID(in.ID)
	if !ok {
		return nil, fmt.Errorf("bad id %q", in.ID)
	}
	if in.Seq == 0 {
		return nil, errors.New("missing seq")
	}
	t := &tokenRec{id: id, Name: in.Name, Admin: in.Admin, Bootstrap: in.Bootstrap, Enabled: in.Enabled, Seq: in.Seq}
	t.setOwner(in.Owner)
	if err := setStoredLists(t, in.Scopes, in.AllowedIPs); err != nil {
		return nil, err
	}
	t.setExpiresAt(in.ExpiresAt)
	t.setDisabledAt(in.DisabledAt)
	t.setCreated(in.CreatedAt, in.UpdatedAt)
	t.setLastUsedAt(in.LastUsedAt)
	t.setHint(in.TokenHint)
	d, err := decodeDigest(in.Digest)
	if err != nil {
		return nil, fmt.Errorf("sha256: %w", err)
	}
	t.Digest = d
	if in.PrevDigest != "" {
		pd, err := decodeDigest(in.PrevDigest)
		if err != nil || in.PrevUntil == nil {
			return nil, errors.New("previous_sha256 needs a valid digest and previous_until")
		}
		t.setPrev(pd, in.PrevUntil.UTC())
	}
	return t, nil
}

func decodeDigest(s string) (digest, error) {
	var d digest
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(d) {
		return d, errors.New("not a hex SHA-256 digest")
	}
	copy(d[:], b)
	return d, nil
}
