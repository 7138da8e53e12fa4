// Command ratio reads `go test -bench -benchmem` output (stdin) and prints, for every
// benchmark with a /baseline or /bare sub-benchmark, each sub-benchmark's median ns/op,
// B/op and allocs/op over the -count runs, its time ratio to the baseline, and its extra
// allocations per op (the ratio is the median of per-run paired ratios), and the CPU-time
// ratio where the benchmarks report cpu-ns/op. For the server benchmarks (RunParallel) it adds req/s = 1e9 / ns/op
// and gives the ratio as throughput (server req/s ÷ bare req/s) instead of time.
//
//	go test -run '^$' -bench . -benchmem -count 5 ./sdk/... | go run ./scripts/bench/ratio
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// BenchmarkName/sub-2   12345   678.9 ns/op   1234 B/op   56 allocs/op; a benchmark's own
// metrics (b.ReportMetric, such as "1.000 requests/op") may stand between them.
var (
	line      = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)
	bytesOp   = regexp.MustCompile(`\s([\d.]+) B/op`)
	allocsOp  = regexp.MustCompile(`\s([\d.]+) allocs/op`)
	cpuOp     = regexp.MustCompile(`\s([\d.]+) cpu-ns/op`) // CPU time per op, where a benchmark reports it
	submatch1 = func(re *regexp.Regexp, s string) string {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1]
		}
		return ""
	}
)

type sample struct{ ns, bytes, allocs, cpu []float64 }

func main() {
	samples := map[string]*sample{}
	var order []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		s := samples[m[1]]
		if s == nil {
			s = &sample{}
			samples[m[1]] = s
			order = append(order, m[1])
		}
		s.ns = append(s.ns, num(m[2]))
		s.bytes = append(s.bytes, num(submatch1(bytesOp, sc.Text())))
		s.allocs = append(s.allocs, num(submatch1(allocsOp, sc.Text())))
		s.cpu = append(s.cpu, num(submatch1(cpuOp, sc.Text())))
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "ratio:", err)
		os.Exit(1)
	}
	fmt.Println("| benchmark | runs | ns/op (median) | min–max | B/op | allocs/op | req/s | ratio to baseline | + allocs/op |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, name := range order {
		group, sub, ok := cut(name)
		s := samples[name]
		base := baseline(samples, group)
		ratio, extra := "", ""
		if ok && base != nil && sub != "baseline" && sub != "bare" {
			// -count repeats sub-benchmarks in pairs (sdk, baseline, sdk, baseline…): the
			// median of the per-pair ratios resists load bursts better than a ratio of medians.
			ratio = fmt.Sprintf("**%.2f×** time", pairedMedian(s.ns, base.ns, false))
			if strings.HasPrefix(name, "BenchmarkServer") {
				ratio = fmt.Sprintf("**%.2f×** req/s", pairedMedian(s.ns, base.ns, true))
			}
			if med(s.cpu) > 0 && med(base.cpu) > 0 {
				// CPU time holds up on a loaded machine far better than elapsed time.
				ratio += fmt.Sprintf(", **%.2f×** CPU", pairedMedian(s.cpu, base.cpu, false))
			}
			extra = fmt.Sprintf("%+.0f", med(s.allocs)-med(base.allocs))
		}
		rps := ""
		if strings.HasPrefix(name, "BenchmarkServer") {
			rps = fmt.Sprintf("%.0f", 1e9/med(s.ns))
		}
		fmt.Printf("| %s | %d | %.0f | %.0f–%.0f | %.0f | %.0f | %s | %s | %s |\n",
			strings.TrimPrefix(name, "Benchmark"), len(s.ns), med(s.ns), slices.Min(s.ns), slices.Max(s.ns),
			med(s.bytes), med(s.allocs), rps, ratio, extra)
	}
}

func cut(name string) (group, sub string, ok bool) {
	i := strings.LastIndex(name, "/")
	if i < 0 {
		return name, "", false
	}
	return name[:i], name[i+1:], true
}

func baseline(samples map[string]*sample, group string) *sample {
	if s := samples[group+"/baseline"]; s != nil {
		return s
	}
	return samples[group+"/bare"]
}

func num(s string) float64 {
	if s == "" {
		return 0
	}
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func med(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// pairedMedian is the median over runs i of a[i]/b[i] (or b[i]/a[i] when inverse).
func pairedMedian(a, b []float64, inverse bool) float64 {
	var r []float64
	for i := range min(len(a), len(b)) {
		if inverse {
			r = append(r, b[i]/a[i])
		} else {
			r = append(r, a[i]/b[i])
		}
	}
	return med(r)
}
