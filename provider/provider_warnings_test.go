package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// planWarnings records the warnings the provider's plans return:
// terraform-plugin-testing has no check for warnings.
type planWarnings struct {
	mu   sync.Mutex
	list []string // "summary: detail"
}

func (w *planWarnings) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = nil
}

// check asserts whether a warning with this summary has been seen.
func (w *planWarnings) check(summary string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		got := slices.ContainsFunc(w.list, func(s string) bool { return strings.HasPrefix(s, summary+":") })
		if got != want {
			return fmt.Errorf("warning %q: got %v, want %v (warnings: %q)", summary, got, want, w.list)
		}
		return nil
	}
}

// factories serves the provider for srv (its clock, its admin token) with plan
// warnings recorded in w.
func (w *planWarnings) factories(srv *mockserver.TestServer) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"tokenhub": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: srv.Clock.Now, getenv: tokenEnv(srv.AdminToken)})()
			return warningRecorder{ProviderServer: s, w: w}, err
		},
	}
}

// warningRecorder wraps the provider server and keeps its plans' warnings.
type warningRecorder struct {
	tfprotov6.ProviderServer
	w *planWarnings
}

func (r warningRecorder) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := r.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		r.w.mu.Lock()
		defer r.w.mu.Unlock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				r.w.list = append(r.w.list, d.Summary+": "+d.Detail)
			}
		}
	}
	return resp, err
}
