package mockserver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/redact"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// Server is the reference tokenhub server. It is an http.Handler; serve it with net/http or
// use NewTestServer in tests.
type Server struct {
	cfg     config
	handler http.Handler // the generated router around the strict handlers
	mux     *http.ServeMux

	st  store      // tokens and remembered responses; its methods own their locking
	key *digestKey // makes the digests st keeps of secrets (digest_key.go)

	limiter      *rateLimiter
	authFailures *authFailures // failed authentications per client address
	idem         *idemStore
	faults       faultState
	adminSecret  string

	lookups atomic.Int64 // store lookups by authenticate (tests check the checksum short-cut)

	stop        chan struct{}
	janitorDone chan struct{}
	cancelClock func()
	closeOnce   sync.Once
	closeErr    error
}

// New builds a Server, in memory, or with WithDatabase on a SQLite database it opens (and
// with WithStateFile first imports an old state file into). It fails on a database or file
// it cannot open, write or vouch for. It starts the janitor goroutine: call Close.
func New(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clock == nil {
		cfg.clock = realClock{}
	}
	if cfg.bodyLimit <= 0 {
		return nil, errors.New("mockserver: body limit must be positive")
	}
	if cfg.rateLimit < 0 {
		return nil, errors.New("mockserver: rate limit must not be negative")
	}
	if cfg.authFailRate < 0 || (cfg.authFailRate > 0 && cfg.authFailBurst < 1) {
		return nil, errors.New("mockserver: the failed-authentication limit needs a rate >= 0 and, with a rate, a burst >= 1")
	}
	st, key, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:          cfg,
		st:           st,
		key:          key,
		limiter:      newRateLimiter(cfg.rateLimit),
		authFailures: newAuthFailures(cfg),
		idem:         newIdemStore(),
		stop:         make(chan struct{}),
		janitorDone:  make(chan struct{}),
	}
	s.faults.set(cfg.faults)
	if err := s.setupBootstrap(); err != nil {
		_ = st.Close()
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /api-docs/{file}", serveSwaggerAsset)
	s.mux.Handle("GET /api-docs/{$}", http.RedirectHandler("/api-docs", http.StatusMovedPermanently))
	strict := serverapi.NewStrictHandlerWithOptions(&handlers{s: s},
		[]serverapi.StrictMiddlewareFunc{scopeMiddleware, originMiddleware},
		serverapi.StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  requestError,
			ResponseErrorHandlerFunc: responseError,
		})
	s.handler = serverapi.HandlerWithOptions(strict, serverapi.StdHTTPServerOptions{
		BaseRouter:       s.mux,
		ErrorHandlerFunc: paramError,
	})
	if fc, ok := cfg.clock.(*FakeClock); ok {
		s.cancelClock = fc.onChange(func() { s.RunJanitor() })
	}
	go s.janitorLoop()
	return s, nil
}

// AdminToken returns the bootstrap (admin) secret, or "" when the server loaded an existing
// bootstrap token from its database without being given the secret (only its digest is
// stored).
func (s *Server) AdminToken() string { return s.adminSecret }

// Close stops the janitor and closes the store (saving the last-use times). It is safe to
// call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.cancelClock != nil {
			s.cancelClock()
		}
		close(s.stop)
		<-s.janitorDone
		s.closeErr = s.st.Close()
	})
	return s.closeErr
}

func isDocsPath(p string) bool {
	return p == "/api/v1/api-docs" || p == "/api-docs" || strings.HasPrefix(p, "/api-docs/")
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	lw := &logWriter{ResponseWriter: w}
	info := &reqInfo{path: r.URL.Path, requestID: newRequestID()}
	r = r.WithContext(withInfo(r.Context(), info))
	// Every response names its request, and the request log says the same id, so a client's
	// error (the SDK's APIError.RequestID) leads straight to the server's log line.
	w.Header().Set("X-Request-Id", info.requestID)
	if s.cfg.logger != nil {
		defer func() { s.logRequest(r, lw, info, start) }()
	}
	if isDocsPath(r.URL.Path) {
		s.handler.ServeHTTP(lw, r)
		return
	}
	if f, kind, ok := s.faults.pick(); ok {
		lw.fault = kind.String()
		s.serveFault(lw, r, f, kind)
		return
	}
	s.serveAPI(lw, r)
}

// serveAPI runs everything the generated router cannot: routing errors as problems,
// authentication, strict body decoding, list-query validation and idempotency.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	info := infoFrom(r.Context())
	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		s.routeError(w, r)
		return
	}
	if isDocsPath(r.URL.Path) {
		s.handler.ServeHTTP(w, r)
		return
	}
	// Create, rotate and their idempotent replays carry a secret; the rest carry token
	// metadata, perhaps fetched with ?api_token=, which no shared cache must keep either.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	c, p := s.authenticate(r)
	if p != nil {
		p.write(w, r.URL.Path)
		return
	}
	info.caller = c
	if s.cfg.authenticated != nil {
		s.cfg.authenticated(r)
	}

	// Ids in the path in their canonical form, as in a body or a query: the generated router's
	// uuid.Parse would also take upper case, urn:uuid:…, braces and bare digits.
	if errs := pathIDErrors(pattern, r.URL.Path); len(errs) > 0 {
		badRequest(errs).write(w, r.URL.Path)
		return
	}
	var raw []byte
	switch pattern {
	case "POST /api/v1/token":
		raw, p = s.readJSONBody(w, r, &serverapi.CreateTokenRequest{}, createSchema, true)
	case "PATCH /api/v1/token/{tokenId}":
		raw, p = s.readJSONBody(w, r, &serverapi.UpdateTokenRequest{}, updateSchema, true)
	case "POST /api/v1/token/{tokenId}/rotate":
		raw, p = s.readJSONBody(w, r, &serverapi.RotateTokenRequest{}, rotateSchema, false)
	case "POST /api/v1/members":
		raw, p = s.readJSONBody(w, r, &serverapi.CreateMemberRequest{}, createMemberSchema, true)
	case "PATCH /api/v1/members/{memberId}":
		raw, p = s.readJSONBody(w, r, &serverapi.UpdateMemberRequest{}, updateMemberSchema, true)
	case "GET /api/v1/tokens":
		if errs := append(malformedQuery(r.URL.RawQuery), validateListQuery(r.URL.Query())...); len(errs) > 0 {
			p = badRequest(errs)
		}
	case "GET /api/v1/members":
		if errs := append(malformedQuery(r.URL.RawQuery), validateMemberListQuery(r.URL.Query())...); len(errs) > 0 {
			p = badRequest(errs)
		}
	}
	if p != nil {
		p.write(w, r.URL.Path)
		return
	}
	if r.Method == http.MethodPost {
		if keys := r.Header.Values("Idempotency-Key"); len(keys) > 0 {
			if p := validateIdempotencyKey(keys); p != nil {
				p.write(w, r.URL.Path)
				return
			}
			op, ok := idempotentOps[pattern]
			if !ok { // a replay must be authorized as its operation: refuse what the table lacks
				newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
					"%s has no entry in the server's idempotent operations", pattern).write(w, r.URL.Path)
				return
			}
			s.serveIdempotent(w, r, c, op, keys[0], raw, s.handler)
			return
		}
	}
	s.handler.ServeHTTP(w, r)
}

// idempotentOps are the operations an Idempotency-Key applies to (the POSTs), by route
// pattern: a replay skips the handler, so it is authorized here as its operation would be.
var idempotentOps = map[string]string{
	"POST /api/v1/token":                  "CreateToken",
	"POST /api/v1/token/{tokenId}/rotate": "RotateToken",
	"POST /api/v1/members":                "CreateMember",
}

// pathIDErrors checks each {…Id} segment of a route's pattern ("GET /api/v1/token/{tokenId}")
// in the request's path.
func pathIDErrors(pattern, path string) []serverapi.FieldError {
	_, route, _ := strings.Cut(pattern, " ")
	want, got := strings.Split(route, "/"), strings.Split(path, "/")
	var errs fieldErrs
	for i, seg := range want {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok || i >= len(got) {
			continue
		}
		if _, ok := parseTokenID(got[i]); !ok {
			errs.add(strings.TrimSuffix(name, "}"), "must be a UUID in its canonical form (lower case, with hyphens)")
		}
	}
	return errs
}

// routeError answers an unknown path with 404 and a known path with a wrong method with 405.
func (s *Server) routeError(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := s.mux.Handler(probe); pat != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		newProblem(http.StatusMethodNotAllowed, "method-not-allowed", "Method Not Allowed",
			"%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allow, ", ")).write(w, r.URL.Path)
		return
	}
	newProblem(http.StatusNotFound, "not-found", "Not Found", "no such endpoint: %s", r.URL.Path).write(w, r.URL.Path)
}

// paramError turns the generated router's parameter errors into 400 problems naming the
// parameter.
func paramError(w http.ResponseWriter, r *http.Request, err error) {
	field, msg := "request", err.Error()
	var inv *serverapi.InvalidParamFormatError
	var many *serverapi.TooManyValuesForParamError
	switch {
	case errors.As(err, &inv):
		field, msg = inv.ParamName, "invalid value"
		if inv.ParamName == "tokenId" {
			msg = "must be a UUID"
		}
	case errors.As(err, &many):
		field, msg = many.ParamName, "must be given once"
	}
	badRequest([]serverapi.FieldError{{Field: field, Message: msg}}).write(w, r.URL.Path)
}

// requestError should not happen (bodies are decoded strictly before), but stays a problem.
func requestError(w http.ResponseWriter, r *http.Request, err error) {
	bodyProblem("malformed request body").write(w, r.URL.Path)
}

func responseError(w http.ResponseWriter, r *http.Request, err error) {
	newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
		"internal error").write(w, r.URL.Path)
}

// logWriter records the status for the request log and lets faults hijack the connection.
type logWriter struct {
	http.ResponseWriter
	status int
	fault  string
}

func (l *logWriter) WriteHeader(code int) {
	if l.status == 0 {
		l.status = code
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *logWriter) Write(b []byte) (int, error) {
	if l.status == 0 {
		l.status = http.StatusOK
	}
	return l.ResponseWriter.Write(b)
}

func (l *logWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// logRequest writes one record per request. It logs the path without the query (which may
// hold api_token), never a header, and the token id; anything token-shaped a client put in
// the method or path is redacted.
func (s *Server) logRequest(r *http.Request, lw *logWriter, info *reqInfo, start time.Time) {
	attrs := []slog.Attr{
		slog.String("method", redact.TokensAndRuns(r.Method)),
		slog.String("path", redact.TokensAndRuns(r.URL.Path)),
		slog.Int("status", lw.status),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", info.requestID),
	}
	if info.caller != nil {
		attrs = append(attrs, slog.String("token_id", info.caller.id))
	}
	if lw.fault != "" {
		attrs = append(attrs, slog.String("fault", lw.fault))
	}
	s.cfg.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// newRequestID is 16 random hex characters: unique enough to find one request in a log.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
