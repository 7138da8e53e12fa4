// Command tokenhub-server runs tokenhub's reference server: the whole API, in memory or, with
// -db, on a SQLite database file (every write committed before it is acknowledged).
//
//	go run ./sdk/mockserver/cmd/tokenhub-server -listen 127.0.0.1:8080 -db tokens.db
//
// -state FILE imports the JSON state file of releases before the database, once, into a new
// database given by -db.
//
// The admin (bootstrap) token comes from TOKENHUB_BOOTSTRAP_TOKEN, or is generated and
// printed once to stderr at first start. The database keeps keyed digests of secrets; their
// key is in FILE.key beside it (created at first start) or in TOKENHUB_DIGEST_KEY. The API
// explorer is at /api-docs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "tokenhub-server:", err)
		os.Exit(1)
	}
}

// run is main without the process globals, so it can be tested. ready, if not nil, receives
// the listening address once the server accepts connections.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("tokenhub-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	db := fs.String("db", "", "SQLite database file (created, mode 0600, if missing) holding the tokens; empty = in memory only")
	state := fs.String("state", "", "JSON state file of an earlier release to import, once, into a new -db database")
	rate := fs.Float64("rate-limit", 500, "requests per second per token (0 = no limit)")
	failRate := fs.Float64("auth-failure-rate", 2, "failed authentications per second per client address, refilled (0 = no limit)")
	failBurst := fs.Int("auth-failure-burst", 30, "failed authentications a client address may make at once")
	logFormat := fs.String("log-format", "text", "request log format: text or json")
	callerSecrets := fs.Bool("caller-secrets", true, "accept a secret made by the client (the token field of create and rotate); "+
		"false: every secret is the server's own, and a request bringing one gets 400")
	fs.Usage = func() { printUsage(fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h is a question, not an error: exit 0
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	var logger *slog.Logger
	switch *logFormat {
	case "text":
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		logger = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		return fmt.Errorf("-log-format must be text or json, not %q", *logFormat)
	}

	opts := []mockserver.Option{mockserver.WithRateLimit(*rate), mockserver.WithAuthFailureLimit(*failRate, *failBurst),
		mockserver.WithLogger(logger), mockserver.WithCallerSecrets(*callerSecrets)}
	if *db != "" {
		opts = append(opts, mockserver.WithDatabase(*db))
	}
	if *state != "" {
		opts = append(opts, mockserver.WithStateFile(*state))
	}
	if v := getenv("TOKENHUB_DIGEST_KEY"); v != "" {
		key, err := mockserver.ParseDigestKey(v) // the error never echoes the value
		if err != nil {
			return fmt.Errorf("TOKENHUB_DIGEST_KEY: %w", err)
		}
		opts = append(opts, mockserver.WithDigestKey(key))
	}
	envToken := getenv("TOKENHUB_BOOTSTRAP_TOKEN")
	if envToken != "" {
		opts = append(opts, mockserver.WithBootstrapToken(envToken))
	}
	srv, err := mockserver.New(opts...)
	if err != nil {
		return err
	}
	switch {
	case envToken != "":
		fmt.Fprintln(stderr, "tokenhub-server: admin (bootstrap) token taken from TOKENHUB_BOOTSTRAP_TOKEN")
	case srv.AdminToken() == "":
		fmt.Fprintf(stderr, "tokenhub-server: admin (bootstrap) token unchanged (kept in %s)\n", *db)
	default:
		fmt.Fprintf(stderr, "tokenhub-server: generated admin (bootstrap) token; it is shown only this once:\n\n"+
			"    TOKENHUB_TOKEN=%s\n\n", srv.AdminToken())
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		_ = srv.Close()
		return err
	}
	hs := mockserver.NewHTTPServer(srv, mockserver.DefaultHTTPLimits())
	logger.Info("tokenhub-server listening", "addr", ln.Addr().String(),
		"explorer", "http://"+ln.Addr().String()+"/api-docs", "db", *db)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = hs.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	// Close the database after the last request has finished.
	if cerr := srv.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}
