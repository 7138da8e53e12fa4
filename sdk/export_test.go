package sdk

import "time"

// WithWaitHook lets external tests record backoff waits without sleeping: h gets each wait
// and returns the one to take.
func WithWaitHook(h func(time.Duration) time.Duration) Option {
	return func(s *settings) error {
		s.waitHook = h
		return nil
	}
}
