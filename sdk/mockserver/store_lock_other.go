//go:build !unix

package mockserver

// lockDatabase does nothing where flock is missing: one server per database file is then
// the operator's responsibility.
func lockDatabase(string) (release func(), err error) { return func() {}, nil }
