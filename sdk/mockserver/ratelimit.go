package mockserver

import (
	"math"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// buckets is a token bucket per key (refilled at rate per second up to burst), driven by the
// server's clock. It holds at most maxKeys buckets: past that the least recently used is
// forgotten (it starts full again when its key comes back), so keys an attacker makes up
// cannot exhaust memory. rate <= 0 turns it off. Both the per-token rate limit and the
// per-address limit on failed authentications are buckets.
type buckets[K comparable] struct {
	rate, burst float64
	mu          sync.Mutex
	lru         *simplelru.LRU[K, *bucket]
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newBuckets[K comparable](rate, burst float64, maxKeys int) *buckets[K] {
	lru, err := simplelru.NewLRU[K, *bucket](max(1, maxKeys), nil)
	if err != nil {
		panic(err) // only for a size < 1, which max rules out
	}
	return &buckets[K]{rate: rate, burst: math.Max(1, burst), lru: lru}
}

// take takes one request from key's bucket; when it is empty it returns false and the whole
// seconds (at least 1) until a request will be allowed.
func (b *buckets[K]) take(key K, now time.Time) (bool, int) {
	if b.rate <= 0 {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	bk := b.refill(key, now)
	if bk.tokens >= 1 {
		bk.tokens--
		return true, 0
	}
	wait := int(math.Ceil((1 - bk.tokens) / b.rate))
	return false, max(1, wait)
}

// give puts back one request taken from key's bucket.
func (b *buckets[K]) give(key K, now time.Time) {
	if b.rate <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	bk := b.refill(key, now)
	bk.tokens = math.Min(b.burst, bk.tokens+1)
}

// refill returns key's bucket (a full one if the key is new), refilled up to now.
func (b *buckets[K]) refill(key K, now time.Time) *bucket {
	bk, ok := b.lru.Get(key)
	if !ok {
		bk = &bucket{tokens: b.burst, last: now}
		b.lru.Add(key, bk)
	}
	if elapsed := now.Sub(bk.last); elapsed > 0 {
		bk.tokens = math.Min(b.burst, bk.tokens+elapsed.Seconds()*b.rate)
		bk.last = now
	}
	return bk
}

func (b *buckets[K]) forget(key K) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lru.Remove(key)
}

// maxTokenBuckets bounds the per-token buckets: far more tokens than one server serves at
// once (a forgotten token's bucket starts full again).
const maxTokenBuckets = 1 << 20

// rateLimiter is the rate limit per API token: burst = rps, at least 1.
type rateLimiter struct {
	rps float64
	b   *buckets[string]
}

func newRateLimiter(rps float64) *rateLimiter {
	return &rateLimiter{rps: rps, b: newBuckets[string](rps, rps, maxTokenBuckets)}
}

// allow takes one request from token id's bucket; when it is empty it returns the whole
// seconds (at least 1) until a request will be allowed.
func (l *rateLimiter) allow(id string, now time.Time) (bool, int) { return l.b.take(id, now) }

func (l *rateLimiter) forget(id string) { l.b.forget(id) }
