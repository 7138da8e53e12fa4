//go:build unix

package mockserver

import (
	"fmt"
	"io/fs"
	"os"
)

// privateMode refuses a key file that anyone but its owner may read or write.
func privateMode(path string, fi fs.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("key file %s has mode %04o: others than its owner may use it; make it 0600 (chmod 600 %s)", path, perm, path)
	}
	return nil
}

// syncDir makes a new name in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
