package mockserver

import (
	"sync"
	"time"
)

// Clock tells the server what time it is. Expiry, rotation overlap, the disabled-token janitor,
// rate limiting and idempotency keys all read it, so tests can move time instead of sleeping.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// FakeClock is a Clock that only moves when told to. It is safe for concurrent use.
// Advancing or setting it runs the janitor of every server using it before returning, so
// work that falls due (deleting disabled tokens, forgetting idempotency keys) is done by then.
type FakeClock struct {
	mu        sync.Mutex
	now       time.Time
	listeners map[int]func()
	nextID    int
}

// NewFakeClock returns a FakeClock set to t.
func NewFakeClock(t time.Time) *FakeClock {
	return &FakeClock{now: t, listeners: map[int]func(){}}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	fns := c.snapshotListeners()
	c.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// Set sets the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	fns := c.snapshotListeners()
	c.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

func (c *FakeClock) snapshotListeners() []func() {
	fns := make([]func(), 0, len(c.listeners))
	for _, f := range c.listeners {
		fns = append(fns, f)
	}
	return fns
}

// onChange registers f to run (outside the clock's lock) after every Advance or Set; the
// returned function unregisters it.
func (c *FakeClock) onChange(f func()) (cancel func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.listeners == nil {
		c.listeners = map[int]func(){}
	}
	id := c.nextID
	c.nextID++
	c.listeners[id] = f
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.listeners, id)
	}
}
