package mockserver

import (
	"errors"
	"fmt"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// checkStored vets a token read from a database or an old state file as strictly as the API
// vets a request, and fills in the parsed allowlist: a store never starts with a token the
// API could not have made.
func checkStored(f *tokenFields) error {
	var errs fieldErrs
	validateName(&errs, f.Name)
	if len(errs) > 0 {
		return fmt.Errorf("name %q: %s", f.Name, errs[0].Message)
	}
	if f.Owner == "" {
		return errors.New("owner: empty")
	}
	if len(f.Scopes) == 0 {
		return errors.New("scopes: none")
	}
	seen := map[string]bool{}
	for _, sc := range f.Scopes {
		if !knownScope(sc) {
			return fmt.Errorf("scopes: unknown scope %q", sc)
		}
		if seen[sc] {
			return fmt.Errorf("scopes: %q twice", sc)
		}
		seen[sc] = true
	}
	f.allowed = nil
	for _, ip := range f.AllowedIPs {
		p, err := validate.AllowedIP(ip)
		if err != nil {
			return fmt.Errorf("allowed_ips: %w", err)
		}
		f.allowed = append(f.allowed, p)
	}
	if f.CreatedAt.IsZero() || f.UpdatedAt.IsZero() {
		return errors.New("created_at and updated_at are required")
	}
	if f.Enabled && f.DisabledAt != nil {
		return errors.New("disabled_at is set on an enabled token")
	}
	if f.TokenHint == "" || len(f.TokenHint) > 64 {
		return errors.New("token_hint: empty or longer than 64 bytes")
	}
	if f.Seq == 0 {
		return errors.New("seq: missing")
	}
	return nil
}

// add checks f and inserts it, refusing a duplicate id or secret digest.
func (tb *tables) add(f tokenFields) error {
	if err := checkStored(&f); err != nil {
		return err
	}
	if _, dup := tb.tokens[f.ID]; dup {
		return errors.New("duplicate id")
	}
	ds := []digest{f.Digest}
	if f.PrevDigest != nil {
		if *f.PrevDigest == f.Digest {
			return errors.New("previous digest equals the current one")
		}
		ds = append(ds, *f.PrevDigest)
	}
	for _, d := range ds {
		if other := tb.byDigest.find(d); other != nil {
			return fmt.Errorf("a secret digest already belongs to token %s", other.ID())
		}
	}
	tb.insert(newTokenRec(f))
	return nil
}
