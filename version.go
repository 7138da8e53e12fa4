package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

// commit is set by the release build next to version (-ldflags "-X main.commit=...").
var commit = ""

// init registers -version on the default flag set, so that main's flag.Parse prints
// the version and exits when it is given; main itself stays about serving the plugin.
func init() {
	flag.BoolFunc("version", "print the provider's version and exit", versionFlag(os.Stdout, os.Exit))
}

// versionFlag is the -version callback: print the version and exit 0 unless the
// value given is false (-version=false).
func versionFlag(w io.Writer, exit func(int)) func(string) error {
	return func(value string) error {
		on, err := strconv.ParseBool(value)
		if err != nil {
			return err
		}
		if on {
			fmt.Fprintln(w, versionString())
			exit(0)
		}
		return nil
	}
}

// versionString is the -version output, such as "terraform-provider-tokenhub 0.1.0 (commit 6de75e6)".
func versionString() string {
	s := "terraform-provider-tokenhub " + version
	if commit != "" {
		s += " (commit " + commit + ")"
	}
	return s
}
