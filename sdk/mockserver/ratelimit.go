package mockserver

import (
	"math"
	"sync"
	"time"
)

// rateLimiter is a token bucket per API token (burst = rps, at least 1), driven by the
// server's clock. rps <= 0 turns it off.
type rateLimiter struct {
	mu      sync.Mutex
	rps     float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rps float64) *rateLimiter {
	return &rateLimiter{rps: rps, buckets: map[string]*bucket{}}
}

func (l *rateLimiter) burst() float64 { return math.Max(1, l.rps) }

// allow takes one request from id's bucket; when it is empty it returns the whole seconds
// (at least 1) until a request will be allowed.
func (l *rateLimiter) allow(id string, now time.Time) (bool, int) {
	if l.rps <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[id]
	if !ok {
		b = &bucket{tokens: l.burst(), last: now}
		l.buckets[id] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(l.burst(), b.tokens+elapsed.Seconds()*l.rps)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := int(math.Ceil((1 - b.tokens) / l.rps))
	return false, max(1, wait)
}

func (l *rateLimiter) forget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, id)
}
