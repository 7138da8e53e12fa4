package mockserver

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// cachedBoxes returns every remembered response as stored, with its index.
func cachedBoxes(ts *TestServer) map[[32]byte][]byte {
	m := memOf(ts.st)
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[[32]byte][]byte{}
	for k, d := range m.idem {
		out[k] = bytes.Clone(d.box)
	}
	return out
}

func TestIdempotencySeal_CacheHoldsNoSecretOrKey(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	const key = "idem-key-0123456789abcdef"
	first := admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", key)
	expectStatus(t, first, http.StatusCreated)
	tok := first.token(t)
	rot := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", `{}`, "Idempotency-Key", key+"-rot")
	expectStatus(t, rot, http.StatusOK)

	boxes := cachedBoxes(ts)
	if len(boxes) != 2 {
		t.Fatalf("%d cached entries, want 2", len(boxes))
	}
	needles := map[string]string{
		"created secret": tok.Token, "rotated secret": rot.token(t).Token,
		"secret body": tok.Token[4:], "token id": tok.ID, "token hint": tok.TokenHint,
		"idempotency key": key, "token name": `"idem"`, "scope": "members.read",
	}
	for idx, box := range boxes {
		for what, s := range needles {
			if bytes.Contains(box, []byte(s)) || bytes.Contains(idx[:], []byte(s)) {
				t.Errorf("a cached entry contains the %s in the clear", what)
			}
		}
	}
	// Nor anywhere in the store's maps: keys are digests, not strings.
	if len(ts.idem.pending) != 0 {
		t.Errorf("%d requests still pending", len(ts.idem.pending))
	}
}

func TestIdempotencySeal_ReplayReturnsSameSecret(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	first := admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
	ts.Clock.Advance(23 * time.Hour)
	second := admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
	expectStatus(t, second, http.StatusCreated)
	if second.token(t).Token != first.token(t).Token || !bytes.Equal(first.body, second.body) {
		t.Fatalf("replay differs:\n%s\n%s", first.body, second.body)
	}
	if got, want := second.header.Get("Content-Type"), first.header.Get("Content-Type"); got != want {
		t.Errorf("replayed Content-Type = %q, want %q", got, want)
	}
	if second.header.Get("Idempotent-Replayed") != "true" {
		t.Error("replay not marked Idempotent-Replayed")
	}
}

func TestIdempotencySeal_WrongKeyCannotOpen(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	me := admin.do("GET", "/api/v1/me", nil)
	var who models.Me
	me.decode(t, &who)
	expectStatus(t, admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "right"), http.StatusCreated)
	idx := idemIndex(who.TokenID, "right")
	box, ok := cachedBoxes(ts)[idx]
	if !ok {
		t.Fatalf("no entry at the index of (caller %q, key)", who.TokenID)
	}
	if _, _, err := openResponse(who.TokenID, "right", idx, box); err != nil {
		t.Fatalf("the right key does not open its entry: %v", err)
	}
	for name, c := range map[string][2]string{
		"other key":    {who.TokenID, "wrong"},
		"other caller": {"00000000-0000-0000-0000-000000000000", "right"},
	} {
		if _, _, err := openResponse(c[0], c[1], idx, box); err == nil {
			t.Errorf("%s opens the entry", name)
		}
	}
	// Moved to another slot, the box does not open either (the index is authenticated).
	other := idemIndex(who.TokenID, "other")
	if _, _, err := openResponse(who.TokenID, "right", other, box); err == nil {
		t.Error("the entry opens under another index")
	}
}

func TestIdempotencySeal_ExpiredEntriesAreForgotten(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	for i := range 3 {
		admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", string(rune('a'+i)))
	}
	if n := len(cachedBoxes(ts)); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
	ts.Clock.Advance(24 * time.Hour) // runs the janitor
	if n := len(cachedBoxes(ts)); n != 0 {
		t.Fatalf("%d entries after 24 h, want 0", n)
	}
}

func TestIdempotencyStore_PurgeShrinksMap(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	now := time.Unix(0, 0)
	for i := range 4096 {
		var k [32]byte
		k[0], k[1] = byte(i), byte(i>>8)
		st.idem[k] = idemDone{expires: now.Add(time.Duration(i) * time.Second).UnixNano()}
		st.idemPeak = max(st.idemPeak, len(st.idem))
	}
	st.purgeIdem(now.Add(4000 * time.Second))
	if len(st.idem) != 95 || st.idemPeak != 95 {
		t.Fatalf("after purge: %d entries, peak %d; want 95 and a rebuilt map", len(st.idem), st.idemPeak)
	}
}

func TestIdempotencyCodec_RoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	samples := [][]byte{
		nil, []byte("2"), []byte("201\n\n"), []byte("\x80\xff\xfe\x00"),
		[]byte("201\nContent-Type: application/json\n\n{\"allowed_ips\":[],\"created_at\":\"2026-11-22T19:11:25.975424756Z\"," +
			"\"enabled\":true,\"expires_at\":null,\"id\":\"cbd94502-f629-48cd-968d-65fd1fbc229f\",\"last_used_at\":null," +
			"\"name\":\"ünï\",\"owner\":\"admin\",\"scopes\":[\"members.read\",\"groups.read\"],\"status\":\"active\"," +
			"\"token\":\"thk_3h6S6uKE5LHNqKtdX5i4RtSwA7WBfpYf1XxJpS\",\"token_hint\":\"thk_3h6S\"," +
			"\"updated_at\":\"2026-11-22T19:11:25.975424756Z\"}\n"),
		bytes.Repeat([]byte("abcab"), 100),
		[]byte(ownedCreateResponse),
		[]byte("01a250de-0ee3-7cb3-8c08-3ad8a2c701ff"), []byte("01A250DE-0EE3-7CB3-8C08-3AD8A2C701FF"),
		[]byte("01a250de-0ee3-7cb3-8c08-3ad8a2c701f"), []byte("01a250de-0ee3-7cb3-8c08+3ad8a2c701ff"),
		[]byte("x01a250de-0ee3-7cb3-8c08-3ad8a2c701ffg01a250de-0ee3-7cb3-8c08-3ad8a2c701ff"),
	}
	for range 200 {
		b := make([]byte, rng.IntN(600))
		const alphabet = "aZ\x00\xff\",:{}[]0123 Content-Typemembers.read"
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		samples = append(samples, b)
	}
	for range 200 { // UUID-shaped runs, some of them broken
		b := make([]byte, 0, 200)
		for len(b) < 150 {
			u := []byte("00000000-0000-0000-0000-000000000000")
			for i := range u {
				if u[i] != '-' || rng.IntN(20) == 0 {
					u[i] = "0123456789abcdefABCDEF-x"[rng.IntN(24)]
				}
			}
			b = append(b, u[:rng.IntN(len(u)+1)]...)
		}
		samples = append(samples, b)
	}
	for _, s := range samples {
		got, err := decompress(compress(nil, s))
		if err != nil || !bytes.Equal(got, s) {
			t.Fatalf("round trip of %q = %q, %v", s, got, err)
		}
	}
	if n := len(compress(nil, samples[4])); n > 160 {
		t.Errorf("a create response compresses to %d bytes, want <= 160 (from %d)", n, len(samples[4]))
	}
	// Today's shape (owner id, shared, disabled_reason): every remembered create is held in
	// memory for 24 h, so its size is the server's memory (236 bytes before the owner-era
	// dictionary entries and codeUUID).
	if n := len(compress(nil, []byte(ownedCreateResponse))); n > 155 {
		t.Errorf("an owned create response compresses to %d bytes, want <= 155 (from %d)", n, len(ownedCreateResponse))
	}
	// And since rotations report when the previous secret stops working.
	current := strings.Replace(ownedCreateResponse, `"scopes"`, `"previous_secret_expires_at":null,"scopes"`, 1)
	if got, err := decompress(compress(nil, []byte(current))); err != nil || string(got) != current {
		t.Fatalf("round trip of %q = %q, %v", current, got, err)
	}
	if n := len(compress(nil, []byte(current))); n > 155 {
		t.Errorf("a create response with previous_secret_expires_at compresses to %d bytes, want <= 155 (from %d)", n, len(current))
	}
	for _, bad := range [][]byte{{codeUUID}, append([]byte{codeUUID}, make([]byte, 15)...)} {
		if _, err := decompress(bad); err == nil {
			t.Errorf("decompress(%q): want an error for a truncated UUID", bad)
		}
	}
}

// ownedCreateResponse is a create response as the server writes it since tokens have owners.
const ownedCreateResponse = "201\nContent-Type: application/json\n\n{\"allowed_ips\":[\"10.0.0.0/8\"]," +
	"\"created_at\":\"2026-12-07T14:17:39.801628312Z\",\"disabled_reason\":null,\"enabled\":true," +
	"\"expires_at\":\"2027-01-01T00:00:00Z\",\"id\":\"01a250de-0ee3-7cb3-8c08-3ad8a2c701ff\",\"last_used_at\":null," +
	"\"name\":\"idem\",\"owner\":\"01a250de-0ed9-7dc8-9b66-b4d4eac4f523\",\"scopes\":[\"members.read\",\"token.read\"]," +
	"\"shared\":false,\"status\":\"active\",\"token\":\"thk_MONwyTPmloGOQ23VmKyRTYtd93OQdA0p0XHvxK\"," +
	"\"token_hint\":\"thk_MONw\",\"updated_at\":\"2026-12-07T14:17:39.801628312Z\"}\n"

// TestIdempotencyCodec_DecodesEarlierReleases: responses remembered in a database by the
// release before the owner-era dictionary entries (kept for 24 h) still decode.
func TestIdempotencyCodec_DecodesEarlierReleases(t *testing.T) {
	t.Parallel()
	// compress(ownedCreateResponse) as that release wrote it.
	const earlier = "gCIxMC7+AgUvOCKFMjYtMTItMDdUMTQ6MTc6MzkuODAxNjI4MzEyWqSeX3JlYXNvbiI6oSwiZW7+FgUiOqIsImV4cGlyZXP+VAk3" +
		"LTAxLTAxVDAwOv4DBY0wMWEyNTBkZS0wZWUzLTdjYjMtOGMwOC0zYWQ4YTJjNzAxZmaPaWRlbZT+UQtkOS03ZGM4LTliNjYtYjRkNGVh" +
		"YzRmNTIzlaek0iJdLCJzaGFyZWQiOqMsInN0YXR1c6WdmE1PTnd5VFBtbG9HT1EyM1ZtS3lSVFl0ZDkzT1FkQTBwMFhIdnhLmU1PTnea/ooDHX0K"
	box, err := base64.StdEncoding.DecodeString(earlier)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decompress(box); err != nil || string(got) != ownedCreateResponse {
		t.Fatalf("an earlier release's response decodes to %q, %v", got, err)
	}
}
