package mockserver

import (
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// tokenFilter is a token listing's filters (GET /api/v1/tokens); zero fields match every
// token. The store applies it (store.ListMatching), so both stores filter alike; who may
// see a token is the handler's check, made on every token the filter lets through.
type tokenFilter struct {
	now           time.Time // the status filter's clock
	name          *string
	namePrefix    string
	status        serverapi.TokenStatus
	owner         string
	expiresBefore *time.Time // a pointer: 0001-01-01T00:00:00Z is a filter too (it matches nothing)
	unusedSince   *time.Time
}

// matches reports whether t passes every filter.
func (f *tokenFilter) matches(t *tokenRec) bool {
	switch {
	case f.name != nil && t.Name != *f.name,
		!strings.HasPrefix(t.Name, f.namePrefix),
		f.status != "" && statusOf(t, f.now) != f.status,
		f.owner != "" && t.Owner() != f.owner:
		return false
	}
	if f.expiresBefore != nil {
		e, ok := t.times.get(tExpires)
		if !ok || !e.Before(*f.expiresBefore) {
			return false
		}
	}
	if f.unusedSince != nil {
		// Never used counts from creation: a token made a minute ago is not "unused for 90 days".
		last, used := t.times.get(tLastUsed)
		if !used {
			last = t.CreatedAt()
		}
		if !last.Before(*f.unusedSince) {
			return false
		}
	}
	return true
}

// listFilter reads a listing's filters from its parameters, adding each bad one to errs
// under the parameter's name.
func listFilter(errs *fieldErrs, p serverapi.ListTokensParams, now time.Time) tokenFilter {
	f := tokenFilter{now: now, name: p.Name}
	if p.Status != nil {
		if !p.Status.Valid() {
			errs.add("status", "must be one of active, disabled, expired")
		}
		f.status = *p.Status
	}
	if p.Owner != nil {
		f.owner = p.Owner.String()
	}
	if p.NamePrefix != nil {
		validateName(errs, "name_prefix", *p.NamePrefix) // a prefix follows a name's rules
		f.namePrefix = *p.NamePrefix
	}
	if p.ExpiresBefore != nil {
		f.expiresBefore = filterTime(errs, "expires_before", *p.ExpiresBefore)
	}
	if p.UnusedSince != nil {
		f.unusedSince = filterTime(errs, "unused_since", *p.UnusedSince)
	}
	return f
}

// filterTime parses a time filter as parseTime does for bodies. An unencoded '+' in a
// query string reads as a space, so a numeric offset arrives as " 01:00": say so.
func filterTime(errs *fieldErrs, param, s string) *time.Time {
	t, err := parseTime(s)
	if err == nil {
		return &t
	}
	msg := err.Error()
	if n := len(s); n > 6 && s[n-6] == ' ' {
		msg += "; encode a '+' in the offset as %2B"
	}
	errs.add(param, "%s", msg)
	return nil
}
