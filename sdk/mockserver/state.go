package mockserver

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
)

const stateVersion = 1

// stateDoc is the state file: every token with the SHA-256 digests of its secrets, never a
// secret. Idempotency records are not saved (their cached responses hold secrets).
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

// persist writes the state file if there is one. Failures are logged and returned by Close;
// the in-memory store stays authoritative.
func (s *Server) persist() {
	if s.cfg.stateFile == "" {
		return
	}
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	s.dirty.Store(false)
	data, err := s.snapshot()
	if err == nil {
		err = writeFileAtomic(s.cfg.stateFile, data)
	}
	if err != nil {
		s.persistErr = fmt.Errorf("mockserver: saving state file %s: %w", s.cfg.stateFile, err)
		if s.cfg.logger != nil {
			s.cfg.logger.Error("saving state failed", "file", s.cfg.stateFile, "error", err)
		}
	}
}

func (s *Server) snapshot() ([]byte, error) {
	s.mu.RLock()
	doc := stateDoc{Version: stateVersion, Seq: s.st.seq, Tokens: []stateToken{}}
	for _, t := range s.st.ordered() {
		st := stateToken{
			ID: t.ID(), Name: t.Name, Owner: t.Owner(), Admin: t.Admin, Bootstrap: t.Bootstrap,
			Scopes: t.Scopes(), AllowedIPs: t.AllowedIPs(), ExpiresAt: t.ExpiresAt(),
			Enabled: t.Enabled, DisabledAt: t.DisabledAt(), CreatedAt: t.CreatedAt(),
			UpdatedAt: t.UpdatedAt(), LastUsedAt: t.LastUsedAt(), TokenHint: t.TokenHint(),
			Digest: hex.EncodeToString(t.Digest[:]), Seq: t.Seq,
		}
		if pd, until := t.prev(); pd != nil {
			st.PrevDigest = hex.EncodeToString(pd[:])
			u := until.UTC()
			st.PrevUntil = &u
		}
		doc.Tokens = append(doc.Tokens, st)
	}
	s.mu.RUnlock()
	return json.MarshalIndent(doc, "", "  ")
}

// writeFileAtomic replaces path with data so a crash leaves the old or the new file, never a
// torn one: temp file in the same directory, fsync, rename, fsync the directory. Mode 0600.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err = f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// loadState reads the state file. A missing file is a fresh start; an unreadable or corrupt
// one is an error naming the file, never a silently empty store.
func (s *Server) loadState() error {
	path := s.cfg.stateFile
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mockserver: reading state file %s: %w", path, err)
	}
	st, err := decodeState(data)
	if err != nil {
		return fmt.Errorf("mockserver: state file %s is corrupt (fix or remove it): %w", path, err)
	}
	s.st = st
	return nil
}

func decodeState(data []byte) (store, error) {
	var doc stateDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return store{}, err
	}
	if doc.Version != stateVersion {
		return store{}, fmt.Errorf("unsupported version %d (want %d)", doc.Version, stateVersion)
	}
	st := newStore()
	for i, in := range doc.Tokens {
		t, err := decodeStateToken(in)
		if err != nil {
			return store{}, fmt.Errorf("tokens[%d]: %w", i, err)
		}
		if _, dup := st.tokens[t.id]; dup {
			return store{}, fmt.Errorf("tokens[%d]: duplicate id %s", i, in.ID)
		}
		if st.byDigest.find(t.Digest) != nil {
			return store{}, fmt.Errorf("tokens[%d]: duplicate digest", i)
		}
		st.insert(t)
	}
	if doc.Seq > st.seq {
		st.seq = doc.Seq
	}
	return st, nil
}

func decodeStateToken(in stateToken) (*tokenRec, error) {
	id, err := uuid.Parse(in.ID)
	if err != nil {
		return nil, fmt.Errorf("bad id %q", in.ID)
	}
	if in.Seq == 0 {
		return nil, errors.New("missing seq")
	}
	f := tokenFields{
		ID: id, Name: in.Name, Owner: in.Owner, Admin: in.Admin, Bootstrap: in.Bootstrap,
		Scopes: in.Scopes, AllowedIPs: in.AllowedIPs, ExpiresAt: in.ExpiresAt,
		Enabled: in.Enabled, DisabledAt: in.DisabledAt, CreatedAt: in.CreatedAt,
		UpdatedAt: in.UpdatedAt, LastUsedAt: in.LastUsedAt, TokenHint: in.TokenHint,
		Seq: in.Seq,
	}
	if len(f.Scopes) == 0 {
		return nil, errors.New("no scopes")
	}
	for _, sc := range f.Scopes {
		if !knownScope(sc) {
			return nil, fmt.Errorf("unknown scope %q", sc)
		}
	}
	for _, ip := range f.AllowedIPs {
		p, err := parseAllowedIP(ip)
		if err != nil {
			return nil, fmt.Errorf("allowed_ips: %w", err)
		}
		f.allowed = append(f.allowed, p)
	}
	d, err := decodeDigest(in.Digest)
	if err != nil {
		return nil, fmt.Errorf("sha256: %w", err)
	}
	f.Digest = d
	if in.PrevDigest != "" {
		pd, err := decodeDigest(in.PrevDigest)
		if err != nil || in.PrevUntil == nil {
			return nil, errors.New("previous_sha256 needs a valid digest and previous_until")
		}
		f.PrevDigest, f.PrevUntil = &pd, in.PrevUntil.UTC()
	}
	return newTokenRec(f), nil
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
