package sdk

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The SDK always sets a key on its POSTs, so the policy for a POST without
// one is tested on the transport directly.
func TestRetryPolicy_postWithoutKeyNeverRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		key       string
		wantCalls int32
	}{
		{"POST without key", http.MethodPost, "", 1},
		{"POST with key", http.MethodPost, "k-1", 3},
		{"GET", http.MethodGet, "", 3},
		{"PATCH", http.MethodPatch, "", 3},
		{"DELETE", http.MethodDelete, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				calls.Add(1)
				w.WriteHeader(http.StatusServiceUnavailable)
			}))
			defer srv.Close()
			s := defaultSettings()
			s.retryMax = 2
			s.waitHook = func(time.Duration) time.Duration { return 0 }
			d := newRetryDoer(s)
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, srv.URL, strings.NewReader(`{}`))
			if tt.key != "" {
				req.Header.Set("Idempotency-Key", tt.key)
			}
			resp, err := d.Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != 503 {
				t.Errorf("status = %d, want the last response (503)", resp.StatusCode)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("requests = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestRetryPolicy_postWithoutKeyNotRetriedOnConnectionError(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	s := defaultSettings()
	s.waitHook = func(time.Duration) time.Duration { return 0 }
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(`{}`))
	if _, err := newRetryDoer(s).Do(req); err == nil {
		t.Fatal("want a connection error")
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestExpJitter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		min, max time.Duration
		attempt  int
		lo, hi   time.Duration
	}{
		{time.Second, 10 * time.Second, 0, time.Second, time.Second},
		{time.Second, 10 * time.Second, 1, time.Second, 2 * time.Second},
		{time.Second, 10 * time.Second, 2, 2 * time.Second, 4 * time.Second},
		{time.Second, 10 * time.Second, 3, 4 * time.Second, 8 * time.Second},
		{time.Second, 10 * time.Second, 4, 5 * time.Second, 10 * time.Second},
		{time.Second, 10 * time.Second, 80, 5 * time.Second, 10 * time.Second}, // no overflow
		{0, 0, 3, 0, 0},
		{250 * time.Millisecond, 250 * time.Millisecond, 5, 250 * time.Millisecond, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		for range 50 {
			if d := expJitter(tt.min, tt.max, tt.attempt); d < tt.lo || d > tt.hi {
				t.Errorf("expJitter(%v, %v, %d) = %v, want within [%v, %v]", tt.min, tt.max, tt.attempt, d, tt.lo, tt.hi)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"12", 12 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999999", 24 * time.Hour, true},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
