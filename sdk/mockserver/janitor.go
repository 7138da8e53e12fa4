package mockserver

import "time"

// janitorLoop runs the janitor every cfg.janitorEvery of real time until Close. With a
// FakeClock the janitor also runs on every Advance/Set (see New), so tests never wait.
func (s *Server) janitorLoop() {
	defer close(s.janitorDone)
	t := time.NewTicker(s.cfg.janitorEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			n := s.RunJanitor()
			if s.cfg.janitorHook != nil {
				s.cfg.janitorHook(n)
			}
			if s.dirty.Load() {
				s.persist() // flush last_used_at now and then
			}
		}
	}
}

// RunJanitor deletes tokens disabled for 7 days or more (by the server's clock), forgets
// rotated-away secrets whose overlap ended and idempotency keys older than 24 h. It returns
// the number of tokens deleted.
func (s *Server) RunJanitor() int {
	now := s.cfg.clock.Now()
	s.idem.purge(now)
	var deleted []string
	s.mu.Lock()
	for id, t := range s.st.tokens {
		if s.dueForDeletion(t, now) {
			s.st.remove(id)
			deleted = append(deleted, t.ID())
			continue
		}
		if pd, until := t.prev(); pd != nil && !now.Before(until) {
			s.st.dropPrev(t)
		}
	}
	s.mu.Unlock()
	for _, id := range deleted {
		s.limiter.forget(id)
	}
	if len(deleted) > 0 {
		s.persist()
	}
	return len(deleted)
}
