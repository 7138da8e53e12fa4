package mockserver

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// The token list is the server's one large answer (up to 100 tokens), and encoding/json's
// reflection over the generated serverapi.Token, with a MarshalJSON call and a re-validation
// per timestamp and id, was most of its cost (BENCHMARKS.md §2b). tokenPageResponse writes
// the same bytes as the generated ListTokens200JSONResponse with an appender instead.
// TestTokenPageJSONMatchesEncodingJSON ties it to the generated types: for random tokens its
// output is byte for byte encoding/json's, so a field added to serverapi.Token fails the test.

// tokenPageResponse is the 200 answer of ListTokens.
type tokenPageResponse serverapi.TokenPage

// pageBufs holds the encoding buffers between requests: a page of 100 tokens is ~40 KB.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// maxPooledBuf: a buffer grown past this (huge allowlists) is left to the GC, not kept.
const maxPooledBuf = 1 << 20

func (r tokenPageResponse) VisitListTokensResponse(w http.ResponseWriter) error {
	bp, ok := pageBufs.Get().(*[]byte)
	if !ok { // cannot happen: New makes every entry
		bp = new([]byte)
	}
	b := appendTokenPage((*bp)[:0], (*serverapi.TokenPage)(&r))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	if cap(b) <= maxPooledBuf {
		*bp = b
		pageBufs.Put(bp)
	}
	return err
}

// appendTokenPage appends p as encoding/json's Encoder writes it (newline included).
func appendTokenPage(b []byte, p *serverapi.TokenPage) []byte {
	b = append(b, `{"items":`...)
	if p.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendToken(b, &p.Items[i])
		}
		b = append(b, ']')
	}
	if p.NextCursor != nil {
		b = append(b, `,"next_cursor":`...)
		b = appendJSONString(b, *p.NextCursor)
	}
	return append(b, "}\n"...)
}

// appendToken appends t with serverapi.Token's keys in its field order.
func appendToken(b []byte, t *serverapi.Token) []byte {
	b = append(b, `{"allowed_ips":`...)
	b = appendStrings(b, t.AllowedIPs)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, t.CreatedAt)
	b = append(b, `,"disabled_reason":`...)
	if t.DisabledReason == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, string(*t.DisabledReason))
	}
	b = append(b, `,"enabled":`...)
	b = strconv.AppendBool(b, t.Enabled)
	b = append(b, `,"expires_at":`...)
	b = appendTimePtr(b, t.ExpiresAt)
	b = append(b, `,"id":`...)
	b = appendUUID(b, t.ID)
	b = append(b, `,"last_used_at":`...)
	b = appendTimePtr(b, t.LastUsedAt)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, t.Name)
	b = append(b, `,"owner":`...)
	b = appendUUID(b, t.Owner)
	b = append(b, `,"previous_secret_expires_at":`...)
	b = appendTimePtr(b, t.PreviousSecretExpiresAt)
	b = append(b, `,"scopes":`...)
	b = appendStrings(b, t.Scopes)
	b = append(b, `,"shared":`...)
	b = strconv.AppendBool(b, t.Shared)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(t.Status))
	b = append(b, `,"token_hint":`...)
	b = appendJSONString(b, t.TokenHint)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, t.UpdatedAt)
	return append(b, '}')
}

// appendStrings appends a list of strings (or of a string type, as ScopeName); nil is null.
func appendStrings[S ~string](b []byte, ss []S) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, string(s))
	}
	return append(b, ']')
}

// appendTime is time.Time's MarshalJSON (RFC 3339 with the nanoseconds it has) without the
// allocation and encoding/json's re-validation of the result.
func appendTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		raw, _ := json.Marshal(t) // encoding/json's own error case; never stored
		return append(b, raw...)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendTimePtr(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	return appendTime(b, *t)
}

// appendUUID is uuid.UUID's text form, quoted.
func appendUUID(b []byte, u uuid.UUID) []byte {
	b = append(b, '"')
	b = hex.AppendEncode(b, u[0:4])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[4:6])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[6:8])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[8:10])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[10:16])
	return append(b, '"')
}

// appendJSONString copies plain printable ASCII as is; anything encoding/json would escape
// (quotes, backslashes, control characters, <>&, non-ASCII) goes through encoding/json itself,
// so escaping is never hand-written.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			raw, _ := json.Marshal(s)
			return append(b, raw...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
