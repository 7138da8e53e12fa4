// Command scan looks for secrets in files, zip archives included (a saved Terraform plan is
// one): scripts/token-wo-e2e.sh uses it on Terraform's state, its backup and the plan.
//
//	go run ./scripts/token-wo/scan SECRETS_FILE FILE...
//
// SECRETS_FILE holds one secret a line. Each secret is looked for as is, without its first 8
// characters (the token_hint, which state may hold), and base64- and hex-encoded, in each FILE
// and in every entry of a FILE that is a zip archive. It prints each finding by the secret's
// hint only, never the secret, and exits 1 when there is one (2 on a usage or read error).
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: scan SECRETS_FILE FILE...")
		os.Exit(2)
	}
	secrets, err := readSecrets(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "scan:", err)
		os.Exit(2)
	}
	found := 0
	for _, name := range os.Args[2:] {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "scan:", err)
			os.Exit(2)
		}
		for _, f := range search(name, data, secrets) {
			fmt.Println(f)
			found++
		}
	}
	if found > 0 {
		os.Exit(1)
	}
}

func readSecrets(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			if len(s) < 16 {
				return nil, fmt.Errorf("%s: a line of %d characters is not a secret", path, len(s))
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no secret: nothing to look for", path)
	}
	return out, sc.Err()
}

// search reports where data (named where) holds a secret, looking inside zip archives.
func search(where string, data []byte, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		forms := []string{s, s[8:], base64.StdEncoding.EncodeToString([]byte(s)),
			base64.RawURLEncoding.EncodeToString([]byte(s)), hex.EncodeToString([]byte(s))}
		for _, form := range forms {
			if bytes.Contains(data, []byte(form)) {
				found = append(found, fmt.Sprintf("%s: holds the secret with hint %s", where, s[:8]))
				break
			}
		}
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return found
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return append(found, fmt.Sprintf("%s: a zip archive that does not open: %v", where, err))
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err == nil {
			var entry []byte
			entry, err = io.ReadAll(rc)
			rc.Close()
			if err == nil {
				found = append(found, search(where+"!"+f.Name, entry, secrets)...)
				continue
			}
		}
		found = append(found, fmt.Sprintf("%s!%s: %v", where, f.Name, err))
	}
	return found
}
