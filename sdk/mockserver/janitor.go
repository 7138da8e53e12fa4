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
			if err := s.st.Flush(); err != nil && s.cfg.logger != nil { // last_used_at, now and then
				s.cfg.logger.Warn("saving last-use times failed; will retry", "error", err)
			}
		}
	}
}

// RunJanitor deletes tokens disabled for 7 days or more (by the server's clock), forgets
// rotated-away secrets whose overlap ended and idempotency keys older than 24 h. It returns
// the number of tokens deleted.
func (s *Server) RunJanitor() int {
	now := s.cfg.clock.Now()
	deleted, err := s.st.Sweep(now, s.cfg.disabledMaxAge)
	if err != nil {
		if s.cfg.logger != nil {
			s.cfg.logger.Warn("janitor: saving failed; will retry", "error", err)
		}
		return 0
	}
	for _, id := range deleted {
		s.limiter.forget(id.String())
	}
	return len(deleted)
}
