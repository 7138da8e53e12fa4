// Command shares splits a Go CPU profile of the provider into where its time goes, for
// `make bench`: the garbage collector, our code (anything with a frame of this module, and the
// HTTP client's own goroutines), the plugin protocol (gRPC, protobuf, msgpack), the framework
// (terraform-plugin-framework, -go, -log), and the rest (the Go scheduler, syscalls). Each
// sample goes to the first of those that any frame of its stack matches.
//
//	go run ./scripts/bench/shares .bench/provider.cpu.pprof
//
// Test-only: built by scripts/bench.sh.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// categories: a sample is the GC's or ours when any frame of its stack is; otherwise it is
// the protocol's or the framework's by its innermost frame from either (every RPC's stack has
// gRPC at its root, so "any frame" would give everything to the protocol).
var categories = []struct {
	name     string
	match    func(fn string) bool
	anywhere bool
}{
	{"GC", func(fn string) bool {
		return strings.HasPrefix(fn, "runtime.gcBgMarkWorker") || strings.HasPrefix(fn, "runtime.gcAssistAlloc") ||
			strings.HasPrefix(fn, "runtime.bgsweep") || strings.HasPrefix(fn, "runtime.bgscavenge") ||
			strings.HasPrefix(fn, "runtime.markroot") || fn == "runtime.gcStart"
	}, true},
	{"our code (provider, SDK, HTTP client)", func(fn string) bool {
		return strings.HasPrefix(fn, "github.com/tokenhub/terraform-provider-tokenhub/") ||
			strings.HasPrefix(fn, "net/http.(*persistConn)") || strings.HasPrefix(fn, "net/http.(*Transport)")
	}, true},
	{"plugin protocol (gRPC, protobuf, msgpack)", func(fn string) bool {
		return strings.HasPrefix(fn, "google.golang.org/grpc") || strings.HasPrefix(fn, "google.golang.org/protobuf") ||
			strings.Contains(fn, "msgpack") || strings.Contains(fn, "MsgPack") ||
			strings.HasPrefix(fn, "github.com/hashicorp/terraform-plugin-go/tfprotov6")
	}, false},
	{"framework (terraform-plugin-framework, -go, -log)", func(fn string) bool {
		return strings.HasPrefix(fn, "github.com/hashicorp/terraform-plugin-")
	}, false},
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: shares profile.pprof")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "shares:", err)
		os.Exit(1)
	}
	p, err := profile.Parse(f)
	_ = f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "shares:", err)
		os.Exit(1)
	}
	cpu := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			cpu = i
		}
	}
	if cpu < 0 {
		fmt.Fprintln(os.Stderr, "shares: not a CPU profile")
		os.Exit(1)
	}
	sums := make([]int64, len(categories)+1) // the last: the rest
	var total int64
	for _, s := range p.Sample {
		v := s.Value[cpu]
		total += v
		sums[classify(s)] += v
	}
	if total == 0 {
		fmt.Println("    (no samples)")
		return
	}
	fmt.Printf("    provider CPU %v:", time.Duration(total).Round(10*time.Millisecond))
	for i, c := range categories {
		fmt.Printf(" %s %.0f %%;", c.name, 100*float64(sums[i])/float64(total))
	}
	fmt.Printf(" the rest (scheduler, syscalls) %.0f %%\n", 100*float64(sums[len(categories)])/float64(total))
}

// classify returns the index of s's category (len(categories): the rest).
func classify(s *profile.Sample) int {
	for i, c := range categories {
		if !c.anywhere {
			continue
		}
		for _, loc := range s.Location {
			for _, line := range loc.Line {
				if line.Function != nil && c.match(line.Function.Name) {
					return i
				}
			}
		}
	}
	for _, loc := range s.Location { // innermost first
		for _, line := range loc.Line {
			if line.Function == nil {
				continue
			}
			for i, c := range categories {
				if !c.anywhere && c.match(line.Function.Name) {
					return i
				}
			}
		}
	}
	return len(categories)
}
