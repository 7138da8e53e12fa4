package mockserver

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// A cursor is the position after the last token of a page: its creation sequence number and
// id, base64url-encoded so clients treat it as opaque. Tokens deleted between pages do not
// shift later pages.
type cursor struct {
	seq uint64
	id  string
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1:%d:%s", c.seq, c.id)))
}

func decodeCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, err
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 3 || parts[0] != "v1" {
		return cursor{}, errors.New("bad cursor")
	}
	seq, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil {
		return cursor{}, err
	}
	if _, err := uuid.Parse(parts[2]); err != nil {
		return cursor{}, err
	}
	return cursor{seq: seq, id: parts[2]}, nil
}

// validateListQuery checks every list parameter at once, so one 400 names all bad ones.
func validateListQuery(q url.Values) []serverapi.FieldError {
	var errs fieldErrs
	checkLimit(&errs, q)
	if q.Has("cursor") {
		if _, err := decodeCursor(q.Get("cursor")); err != nil {
			errs.add("cursor", "is not a cursor from this server; pass next_cursor from the previous page")
		}
	}
	if q.Has("status") && !serverapi.TokenStatus(q.Get("status")).Valid() {
		errs.add("status", "must be one of active, disabled, expired")
	}
	if q.Has("owner") {
		if _, ok := parseTokenID(q.Get("owner")); !ok {
			errs.add("owner", "must be a member id (a UUID)")
		}
	}
	if q.Has("name_prefix") {
		validateName(&errs, "name_prefix", q.Get("name_prefix"))
	}
	for _, name := range []string{"expires_before", "unused_since"} {
		if q.Has(name) {
			filterTime(&errs, name, q.Get(name))
		}
	}
	for _, name := range []string{"limit", "cursor", "name", "status", "owner", "name_prefix", "expires_before", "unused_since"} {
		if len(q[name]) > 1 {
			errs.add(name, "must be given once")
		}
	}
	return errs
}

// checkLimit reads a listing's limit as the contract writes an integer (JSON's grammar: no
// sign, no leading zero, decimal): strconv.Atoi alone would take +5 and 05, and a client that
// reads 010 as octal would then mean another page size than the server.
func checkLimit(errs *fieldErrs, q url.Values) {
	if !q.Has("limit") {
		return
	}
	s := q.Get("limit")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPageSize || s != strconv.Itoa(n) {
		errs.add("limit", "must be an integer from 1 to %d", maxPageSize)
	}
}

// validateMemberListQuery checks what the generated router does not: the limit's spelling.
func validateMemberListQuery(q url.Values) []serverapi.FieldError {
	var errs fieldErrs
	checkLimit(&errs, q)
	return errs
}

// malformedQuery names the parameters url.Query silently drops (broken percent-encoding, or
// ';' used as a separator): ignoring a dropped name filter would list every token. Values
// are never echoed (the query may carry api_token).
func malformedQuery(raw string) []serverapi.FieldError {
	var errs fieldErrs
	for _, pair := range strings.Split(raw, "&") {
		key, val, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(key)
		if err != nil || name == "" || strings.Contains(key, ";") {
			name = "query"
		}
		switch {
		case err != nil:
			errs.add(name, "malformed percent-encoding in a parameter name")
		case strings.Contains(pair, ";"):
			errs.add(name, "must not contain ';'; separate parameters with '&'")
		default:
			if _, err := url.QueryUnescape(val); err != nil {
				errs.add(name, "malformed percent-encoding")
			}
		}
	}
	return errs
}

// pageLimit is a list's page size: the default when unset, else 1 to maxPageSize (a bad one
// is added to errs).
func pageLimit(errs *fieldErrs, limit *int) int {
	if limit == nil {
		return defaultPageSize
	}
	if *limit < 1 || *limit > maxPageSize {
		errs.add("limit", "must be an integer from 1 to %d", maxPageSize)
	}
	return *limit
}
