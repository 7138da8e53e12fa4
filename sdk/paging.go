package sdk

import (
	"fmt"
	"iter"
)

// paged iterates over every item of a cursor-paged listing, starting at cursor: fetch
// returns one page (its items and next cursor) for a cursor. It stops fetching when the
// loop breaks; on an error it yields the error once, with a zero item, and stops. op
// names the listing in the error of a server that answers the same cursor twice (which
// would otherwise loop forever).
func paged[T any](op, cursor string, fetch func(cursor string) ([]T, *string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for {
			items, next, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == nil || *next == "" {
				return
			}
			if *next == cursor {
				yield(zero, fmt.Errorf("tokenhub: %s: server returned the same cursor %q twice", op, redactText(cursor, "")))
				return
			}
			cursor = *next
		}
	}
}
