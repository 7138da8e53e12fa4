package mockserver

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// setStoredLists sets the scopes and allowlist of a token read from a database or an old
// state file, refusing what the API could not have stored (the record holds only catalogue
// scopes and parsed ranges).
func setStoredLists(t *tokenRec, scopes, allowedIPs []string) error {
	if len(scopes) == 0 {
		return errors.New("scopes: none")
	}
	seen := map[string]bool{}
	for _, sc := range scopes {
		if !knownScope(sc) {
			return fmt.Errorf("scopes: unknown scope %q", sc)
		}
		if seen[sc] {
			return fmt.Errorf("scopes: %q twice", sc)
		}
		seen[sc] = true
	}
	var prefixes []netip.Prefix
	for _, ip := range allowedIPs {
		p, err := validate.AllowedIP(ip)
		if err != nil {
			return fmt.Errorf("allowed_ips: %w", err)
		}
		prefixes = append(prefixes, p)
	}
	t.setScopes(scopes)
	t.setAllowedIPs(allowedIPs, prefixes)
	return nil
}

// checkStored vets the rest of a token read from a database or an old state file as
// strictly as the API vets a request: a store never starts with a token the API could not
// have made.
func checkStored(t *tokenRec) error {
	if err := validate.TokenName(t.Name); err != nil {
		msg, _, _ := strings.Cut(err.Error(), "\n") // the first broken rule is enough here
		return fmt.Errorf("name %q: %s", t.Name, msg)
	}
	if t.Owner() == "" {
		return errors.New("owner: empty")
	}
	if t.CreatedAt().IsZero() || t.UpdatedAt().IsZero() {
		return errors.New("created_at and updated_at are required")
	}
	if t.Enabled && t.DisabledAt() != nil {
		return errors.New("disabled_at is set on an enabled token")
	}
	if h := t.TokenHint(); h == "" || len(h) > 64 {
		return errors.New("token_hint: empty or longer than 64 bytes")
	}
	if t.Seq == 0 {
		return errors.New("seq: missing")
	}
	return nil
}

// add checks t and inserts it, refusing a duplicate id or secret digest.
func (tb *tables) add(t *tokenRec) error {
	if err := checkStored(t); err != nil {
		return err
	}
	if _, dup := tb.tokens[t.id]; dup {
		return errors.New("duplicate id")
	}
	ds := t.digests()
	if len(ds) == 2 && ds[0] == ds[1] {
		return errors.New("previous digest equals the current one")
	}
	for _, d := range ds {
		if other := tb.byDigest.find(d); other != nil {
			return fmt.Errorf("a secret digest already belongs to token %s", other.ID())
		}
	}
	tb.insert(t)
	return nil
}
