package mockserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The limits are tested at 1/100 of their real length: the real server's 60 s become 600 ms.
const limitScale = 100

func scaledLimits(l HTTPLimits) HTTPLimits {
	l.ReadHeaderTimeout /= limitScale
	l.ReadTimeout /= limitScale
	l.WriteTimeout /= limitScale
	l.IdleTimeout /= limitScale
	return l
}

func TestDefaultHTTPLimits(t *testing.T) {
	t.Parallel()
	l := DefaultHTTPLimits()
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": l.ReadHeaderTimeout, "ReadTimeout": l.ReadTimeout,
		"WriteTimeout": l.WriteTimeout, "IdleTimeout": l.IdleTimeout} {
		if d <= 0 || d > 60*time.Second {
			t.Errorf("%s = %v, want (0, 60s]", name, d)
		}
	}
	if l.ReadHeaderTimeout > l.ReadTimeout {
		t.Errorf("ReadHeaderTimeout %v > ReadTimeout %v", l.ReadHeaderTimeout, l.ReadTimeout)
	}
	if l.MaxHeaderBytes <= 0 || l.MaxHeaderBytes >= http.DefaultMaxHeaderBytes {
		t.Errorf("MaxHeaderBytes = %d, want set below the 1 MiB default", l.MaxHeaderBytes)
	}
	hs := NewHTTPServer(http.NotFoundHandler(), l)
	if hs.ReadHeaderTimeout != l.ReadHeaderTimeout || hs.ReadTimeout != l.ReadTimeout || hs.WriteTimeout != l.WriteTimeout ||
		hs.IdleTimeout != l.IdleTimeout || hs.MaxHeaderBytes != l.MaxHeaderBytes {
		t.Errorf("NewHTTPServer dropped a limit: %+v", hs)
	}
}

// serveLimited serves a fresh Server with the scaled default limits and returns its address
// and admin token.
func serveLimited(t *testing.T) (addr, admin string) {
	t.Helper()
	s, err := New(WithClock(NewFakeClock(time.Now())), WithRateLimit(0))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := NewHTTPServer(s, scaledLimits(DefaultHTTPLimits()))
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close(); _ = s.Close() })
	return ln.Addr().String(), s.AdminToken()
}

// timeToClose reads conn until the server closes it and returns how long that took from
// start; the test fails if the connection is still open after a deadline well past the limit.
func timeToClose(t *testing.T, conn net.Conn, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	deadline := start.Add(limit + 3*time.Second)
	if err := conn.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still holds the connection after %v (limit %v)", time.Since(start).Round(time.Millisecond), limit)
	}
	return time.Since(start)
}

// expectClosedWithin allows a fixed margin for a loaded 2-core machine running -race.
func expectClosedWithin(t *testing.T, took, limit time.Duration) {
	t.Helper()
	t.Logf("closed after %v (limit %v, real server %v)", took.Round(time.Millisecond), limit, limit*limitScale)
	if took > limit+500*time.Millisecond {
		t.Fatalf("closed after %v, want within %v", took.Round(time.Millisecond), limit)
	}
}

func TestHTTPServer_TrickledBodyIsCut(t *testing.T) {
	t.Parallel()
	addr, admin := serveLimited(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /api/v1/token HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", admin)
	// 1 byte every 5 s (scaled), until the server hangs up.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(5 * time.Second / limitScale)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	limit := 60 * time.Second / limitScale
	expectClosedWithin(t, timeToClose(t, conn, start, limit), limit)
}

func TestHTTPServer_TrickledHeadersAreCut(t *testing.T) {
	t.Parallel()
	addr, _ := serveLimited(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprint(conn, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Second / limitScale):
				if _, err := fmt.Fprintf(conn, "X-%d: y\r\n", i); err != nil {
					return
				}
			}
		}
	}()
	limit := 60 * time.Second / limitScale
	expectClosedWithin(t, timeToClose(t, conn, start, limit), limit)
}

func TestHTTPServer_IdleKeepAliveIsClosed(t *testing.T) {
	t.Parallel()
	addr, admin := serveLimited(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", admin)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Close {
		t.Fatalf("status %d, close %v: want a kept-alive 200", res.StatusCode, res.Close)
	}
	start := time.Now() // idle from here
	limit := 60 * time.Second / limitScale
	expectClosedWithin(t, timeToClose(t, conn, start, limit), limit)
}

func TestHTTPServer_MaxHeaderBytes(t *testing.T) {
	t.Parallel()
	addr, admin := serveLimited(t)
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("X-Padding", strings.Repeat("p", 64<<10))
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("request with 64 KiB of headers: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB of headers: status %d, want 431", res.StatusCode)
	}
}
