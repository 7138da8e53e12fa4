// Command terraform-provider-tokenhub serves the tokenhub Terraform provider over the plugin protocol.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tokenhub/terraform-provider-tokenhub/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietSDKLogs()

	stderr := os.Stderr // go-plugin redirects os.Stderr while it serves
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/tokenhub/tokenhub",
		Debug:   debug,
	})
	revokeLeftovers(stderr)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// revokeLeftovers runs when the plugin server has stopped: Terraform stops the
// plugin at the end of every run, but a failed apply never closes the ephemeral
// tokens it opened. They are revoked now, within Terraform's grace period
// before it kills the plugin (see provider.ShutdownRevokeTimeout).
func revokeLeftovers(w io.Writer) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), provider.ShutdownRevokeTimeout)
	defer cancel()
	n, err := provider.RevokeOpenEphemeralTokens(ctx)
	if n > 0 {
		_, _ = fmt.Fprintf(w, "[INFO] revoked %d ephemeral API token(s) Terraform did not close, in %v\n", n, time.Since(start).Round(time.Millisecond))
	}
	if err != nil {
		_, _ = fmt.Fprintf(w, "[WARN] some ephemeral API tokens could not be revoked; they expire at the end of their ttl: %s\n", err)
	}
}

// quietSDKLogs turns off the plugin SDKs' own TRACE logging when the user asked
// for no logs at all. Terraform reads and discards it then, yet writing it cost
// a third of the provider's CPU in a 500-token apply (BENCHMARKS.md). With any
// TF_LOG* variable set, nothing changes; the provider's own logs are unaffected.
func quietSDKLogs() {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		_ = os.Setenv(v, "off")
	}
}
