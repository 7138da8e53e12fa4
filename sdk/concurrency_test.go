package sdk_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// tracked is what the clients learnt about one token.
type tracked struct {
	secrets  []string // every secret the API handed out for it
	revoked  int      // successful revocations
	notFound bool     // an operation on it answered 404
}

// ledger is shared by the workers; operations pick tokens created by any worker, so
// patches, rotations and revocations of the same token race each other.
type ledger struct {
	mu  sync.Mutex
	ids []string
	m   map[string]*tracked
}

func (l *ledger) add(id, secret string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids = append(l.ids, id)
	l.m[id] = &tracked{secrets: []string{secret}}
}

func (l *ledger) pick(rng *rand.Rand) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ids) == 0 {
		return "", false
	}
	return l.ids[rng.IntN(len(l.ids))], true
}

func (l *ledger) update(id string, f func(*tracked)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l.m[id])
}

// TestConcurrency_mixedOperations: 16 goroutines share one client and run a fixed, seeded
// mix of create, get, patch, rotate, revoke and list over the same tokens, under -race.
// Afterwards every created token is either revoked (exactly once) or stored, the server's
// count and the SDK's listing agree with that, and of each token's secrets only the latest
// one works.
func TestConcurrency_mixedOperations(t *testing.T) {
	t.Parallel()
	const workers, opsPerWorker = 16, 40
	ts := mockserver.NewTestServer(t)
	admin := e2eClient(t, ts, ts.AdminToken)
	ctx := t.Context()
	led := &ledger{m: map[string]*tracked{}}
	scopeSets := [][]sdk.ScopeName{{"token.read"}, {"token.read", "members.read"}, {"groups.read"}}

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 2026))
			for i := range opsPerWorker {
				op := rng.IntN(100)
				id, ok := led.pick(rng)
				if !ok {
					op = 0 // nothing to act on yet
				}
				// 404 is the only acceptable error on an existing id: another worker revoked it.
				gone := func(err error) bool {
					if errors.Is(err, sdk.ErrNotFound) {
						led.update(id, func(tr *tracked) { tr.notFound = true })
						return true
					}
					return false
				}
				switch {
				case op < 25: // create
					tok, err := admin.CreateToken(ctx, sdk.CreateTokenRequest{
						Name: fmt.Sprintf("w%d-%d", w, i), Scopes: scopeSets[rng.IntN(len(scopeSets))]})
					if err != nil {
						t.Errorf("create: %v", err)
						continue
					}
					led.add(tok.ID, tok.Token)
				case op < 40: // get
					tok, err := admin.GetToken(ctx, id)
					if err != nil && !gone(err) {
						t.Errorf("get %s: %v", id, err)
					} else if err == nil && tok.ID != id {
						t.Errorf("get %s returned %s", id, tok.ID)
					}
				case op < 60: // patch
					ips := []string{}
					if rng.IntN(2) == 0 {
						ips = []string{"127.0.0.0/8", "::1"}
					}
					_, err := admin.UpdateToken(ctx, id, sdk.UpdateTokenRequest{
						Name: sdk.Ptr(fmt.Sprintf("w%d-%d-patched", w, i)), Scopes: sdk.Ptr(scopeSets[rng.IntN(len(scopeSets))]),
						AllowedIPs: &ips, Enabled: sdk.Ptr(rng.IntN(4) != 0)})
					if err != nil && !gone(err) {
						t.Errorf("patch %s: %v", id, err)
					}
				case op < 80: // rotate, no overlap: the previous secret stops at once
					tok, err := admin.RotateToken(ctx, id, sdk.RotateTokenRequest{})
					if err != nil && !gone(err) {
						t.Errorf("rotate %s: %v", id, err)
					} else if err == nil {
						led.update(id, func(tr *tracked) { tr.secrets = append(tr.secrets, tok.Token) })
					}
				case op < 90: // revoke
					err := admin.RevokeToken(ctx, id)
					if err != nil && !gone(err) {
						t.Errorf("revoke %s: %v", id, err)
					} else if err == nil {
						led.update(id, func(tr *tracked) { tr.revoked++ })
					}
				default: // list every page; a token must not show up twice in one listing
					seen := map[string]bool{}
					for tok, err := range admin.Tokens(ctx, sdk.ListOptions{Limit: 50}) {
						if err != nil {
							t.Errorf("list: %v", err)
							break
						}
						if seen[tok.ID] {
							t.Errorf("list: %s twice in one listing", tok.ID)
						}
						seen[tok.ID] = true
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Every created token is revoked exactly once or still stored; nothing else is stored.
	var present []string
	for id, tr := range led.m {
		_, stored := ts.Lookup(id)
		switch {
		case tr.revoked > 1:
			t.Errorf("%s revoked %d times", id, tr.revoked)
		case tr.revoked == 1 && stored:
			t.Errorf("%s revoked but still stored", id)
		case tr.revoked == 0 && !stored:
			t.Errorf("%s never revoked but gone", id)
		case tr.revoked == 0 && tr.notFound:
			t.Errorf("%s answered 404 but was never revoked", id)
		}
		if stored {
			present = append(present, id)
		}
	}
	var storeIDs []string
	for _, info := range ts.Tokens() {
		if info.Name != "bootstrap" {
			storeIDs = append(storeIDs, info.ID)
		}
	}
	slices.Sort(present)
	slices.Sort(storeIDs)
	if !slices.Equal(present, storeIDs) || ts.Count() != len(present)+1 {
		t.Fatalf("store holds %d tokens (+ bootstrap), Count() = %d; the clients expect %d", len(storeIDs), ts.Count(), len(present))
	}
	var listed []string
	for tok, err := range admin.Tokens(ctx, sdk.ListOptions{Limit: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "bootstrap" {
			listed = append(listed, tok.ID)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, storeIDs) {
		t.Fatalf("the SDK lists %d tokens, the store has %d", len(listed), len(storeIDs))
	}

	// Of each token's secrets only the latest works (re-enabled first: patches disabled some).
	hc := &http.Client{}
	rotations, checked := 0, 0
	for id, tr := range led.m {
		info, stored := ts.Lookup(id)
		if stored && !info.Enabled {
			if _, err := admin.UpdateToken(ctx, id, sdk.UpdateTokenRequest{Enabled: sdk.Ptr(true)}); err != nil {
				t.Fatal(err)
			}
		}
		rotations += len(tr.secrets) - 1
		working := 0
		for _, secret := range tr.secrets {
			checked++
			me, err := e2eClient(t, ts, secret, sdk.WithHTTPClient(hc)).Me(ctx)
			switch {
			case err == nil && stored && me.TokenID == id && secret[:len(info.TokenHint)] == info.TokenHint:
				working++
			case errors.Is(err, sdk.ErrUnauthorized):
			default:
				t.Errorf("token %s (stored %v, hint %s), secret %s…: Me = %+v, %v", id, stored, info.TokenHint, secret[:8], me, err)
			}
		}
		if want := map[bool]int{true: 1, false: 0}[stored]; working != want {
			t.Errorf("token %s (stored %v): %d of its %d secrets work, want %d", id, stored, working, len(tr.secrets), want)
		}
	}
	t.Logf("%d workers × %d ops: %d tokens created, %d still stored, %d rotations, %d secrets checked",
		workers, opsPerWorker, len(led.m), len(present), rotations, checked)
}
