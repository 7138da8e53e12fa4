//go:build !unix

package mockserver

import "io/fs"

// privateMode accepts any key file where Unix modes do not exist: its access control lists
// are the operator's responsibility.
func privateMode(string, fs.FileInfo) error { return nil }

// syncDir does nothing where directories cannot be synced.
func syncDir(string) error { return nil }
