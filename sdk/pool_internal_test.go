package sdk

import (
	"net/http"
	"testing"
	"time"
)

func TestDefaultHTTPClient_poolAndTimeout(t *testing.T) {
	t.Parallel()
	hc := newRetryDoer(defaultSettings()).rc.HTTPClient
	tr, ok := hc.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("default transport is %T", hc.Transport)
	}
	if tr == http.DefaultTransport {
		t.Error("the default client shares http.DefaultTransport")
	}
	if tr.MaxIdleConnsPerHost <= 2 || tr.MaxIdleConns < tr.MaxIdleConnsPerHost || tr.IdleConnTimeout <= 0 {
		t.Errorf("pool: MaxIdleConnsPerHost %d, MaxIdleConns %d, IdleConnTimeout %s; want > 2 per host",
			tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.IdleConnTimeout)
	}
	if hc.Timeout != defaultTimeout {
		t.Errorf("default timeout %s, want %s", hc.Timeout, defaultTimeout)
	}
}

func TestWithTimeout(t *testing.T) {
	t.Parallel()
	s := defaultSettings()
	if err := WithTimeout(7 * time.Second)(&s); err != nil {
		t.Fatal(err)
	}
	hc := newRetryDoer(s).rc.HTTPClient
	if hc.Timeout != 7*time.Second {
		t.Errorf("timeout %s, want 7s", hc.Timeout)
	}
	if tr, _ := hc.Transport.(*http.Transport); tr == nil || tr.MaxIdleConnsPerHost <= 2 {
		t.Errorf("WithTimeout lost the default pool: %T %+v", hc.Transport, tr)
	}

	// With a caller's client: the SDK's copy gets the timeout, the caller's is untouched.
	mine := &http.Client{Timeout: time.Hour}
	s = defaultSettings()
	for _, o := range []Option{WithHTTPClient(mine), WithTimeout(time.Second)} {
		if err := o(&s); err != nil {
			t.Fatal(err)
		}
	}
	if got := newRetryDoer(s).rc.HTTPClient.Timeout; got != time.Second {
		t.Errorf("timeout with WithHTTPClient %s, want 1s", got)
	}
	if mine.Timeout != time.Hour {
		t.Errorf("the caller's client was modified: Timeout %s", mine.Timeout)
	}

	for _, d := range []time.Duration{0, -time.Second} {
		if err := WithTimeout(d)(&s); err == nil {
			t.Errorf("WithTimeout(%s) accepted", d)
		}
	}
}
