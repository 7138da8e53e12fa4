package sdk

import (
	"context"
	"log/slog"
	"slices"
)

// WithSlog logs every HTTP attempt to l at debug level, with the attributes
// described at [Logger] ("method", "path", "status", "attempt", "duration_ms"
// and, on a connection error, "error"). It replaces a [WithLogger] given
// before it (and the other way round); nil is silent.
func WithSlog(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = nil
		if l != nil {
			s.logger = slogLogger{l}
		}
		return nil
	}
}

// slogLogger adapts a *slog.Logger to the SDK's Logger.
type slogLogger struct{ l *slog.Logger }

func (a slogLogger) Log(ctx context.Context, msg string, fields map[string]any) {
	if !a.l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a stable order for readers and tests
	attrs := make([]slog.Attr, len(keys))
	for i, k := range keys {
		attrs[i] = slog.Any(k, fields[k])
	}
	a.l.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}
