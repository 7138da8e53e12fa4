package mockserver

import (
	"net/http"
	"time"
)

// HTTPLimits bounds what one client connection can hold on the server. Every timeout is
// needed: ReadHeaderTimeout alone lets a client trickle its body (1 byte every 5 s) or park
// an idle keep-alive connection forever.
type HTTPLimits struct {
	ReadHeaderTimeout time.Duration // to read the request line and headers
	ReadTimeout       time.Duration // to read the whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the response
	IdleTimeout       time.Duration // an idle keep-alive connection between requests
	MaxHeaderBytes    int           // request line and headers; larger answers 431
}

// DefaultHTTPLimits are the runnable server's limits: a request must arrive within 30 s, its
// headers within 10 s and in 32 KiB, and an idle connection is closed after 60 s.
func DefaultHTTPLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
}

// NewHTTPServer returns an http.Server serving h within limits (use DefaultHTTPLimits),
// for example to serve a Server on a listener of your own:
//
//	hs := mockserver.NewHTTPServer(srv, mockserver.DefaultHTTPLimits())
//	err := hs.Serve(ln)
func NewHTTPServer(h http.Handler, limits HTTPLimits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		WriteTimeout:      limits.WriteTimeout,
		IdleTimeout:       limits.IdleTimeout,
		MaxHeaderBytes:    limits.MaxHeaderBytes,
	}
}
