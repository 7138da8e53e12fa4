//go:build unix

package mockserver

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDatabase takes an exclusive lock on path+".lock", so that a second server started on
// the same database fails at once instead of serving tables that diverge from the file. The
// lock goes with the process; release drops it earlier. (A separate file, because on some
// systems flock and SQLite's own fcntl locks on the database interact.)
func lockDatabase(path string) (release func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create the lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New("in use by another tokenhub-server (its lock file " + path + ".lock is held)")
		}
		return nil, fmt.Errorf("cannot lock %s.lock: %w", path, err)
	}
	return func() { _ = f.Close() }, nil
}
