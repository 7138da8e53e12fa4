// Command provprof serves the tokenhub provider in debug (reattach) mode with a CPU profile,
// for `make bench` to see where the provider's own time goes in a 500-token apply.
// It prints TF_REATTACH_PROVIDERS for Terraform and writes the profile when interrupted.
// Test-only: built by scripts/bench.sh.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tokenhub/terraform-provider-tokenhub/provider"
)

func main() {
	out := flag.String("cpuprofile", "provider.cpu.pprof", "where to write the CPU profile")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	// As main.go does without TF_LOG: the SDKs' own TRACE logs off.
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		_ = os.Setenv(v, "off")
	}
	// Debug mode prints the reattach configuration and serves until interrupted.
	err = providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address: "registry.terraform.io/tokenhub/tokenhub", Debug: true,
	})
	pprof.StopCPUProfile()
	_ = f.Close()
	if err != nil {
		log.Fatal(err)
	}
}
