package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	tokenhub "github.com/tokenhub/terraform-provider-tokenhub/provider"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// BenchmarkResourceRPCs is one resource's provider-side work in each phase of `make bench`'s
// 500-resource runs, without Terraform core and gRPC: the protocol calls Terraform makes per
// instance (counted from its TRACE log, Terraform 1.11), in the same order, with msgpack
// values as Terraform sends them.
//
//	create:  ValidateResourceConfig ×2, PlanResourceChange ×2, ApplyResourceChange
//	refresh: UpgradeResourceState, ReadResource
//	destroy: ValidateResourceConfig, UpgradeResourceState ×3, ReadResource, PlanResourceChange ×2,
//	         ApplyResourceChange
//
// /tokenhub is tokenhub_api_token against an in-process reference server (HTTP over
// loopback included, as the provider's real cost); /baseline is noop_token, the same schema
// with nothing of ours. The ratio is the most that tokenhub's own code can add to a phase;
// Terraform core's share of the wall time comes on top of both sides alike.
func BenchmarkResourceRPCs(b *testing.B) {
	srv := mockserver.NewTestServer(b)
	b.Setenv("TOKENHUB_ENDPOINT", srv.URL)
	b.Setenv("TOKENHUB_TOKEN", srv.AdminToken)
	for _, phase := range []string{"create", "refresh", "destroy"} {
		b.Run(phase+"/tokenhub", func(b *testing.B) {
			runPhase(b, phase, newRPCTarget(b, tokenhub.New("bench")(), "tokenhub_api_token"))
		})
		b.Run(phase+"/baseline", func(b *testing.B) {
			runPhase(b, phase, newRPCTarget(b, noopProvider{}, "noop_token"))
		})
	}
}

func runPhase(b *testing.B, phase string, t *rpcTarget) {
	b.ReportAllocs()
	// CPU time (all threads: the GC, and the in-process reference server on tokenhub's side)
	// holds up on a loaded machine far better than ns/op.
	cpu0, untimed := processCPU(), int64(0)
	defer func() { b.ReportMetric(float64(processCPU()-cpu0-untimed)/float64(b.N), "cpu-ns/op") }()
	switch phase {
	case "create":
		for i := 0; b.Loop(); i++ {
			t.create(b, i)
		}
	case "refresh":
		st := t.create(b, 0)
		for b.Loop() {
			t.upgrade(b, st)
			t.read(b, st)
		}
	case "destroy":
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			c0 := processCPU()
			st := t.create(b, i)
			untimed += processCPU() - c0
			b.StartTimer()
			for range 3 {
				t.upgrade(b, st)
			}
			st = t.read(b, st)
			t.destroy(b, st)
		}
	}
}

// rpcTarget is one resource type of a configured provider server.
type rpcTarget struct {
	ctx      context.Context
	ps       tfprotov6.ProviderServer
	typeName string
	typ      tftypes.Object
}

// stored is a resource instance as Terraform keeps it.
type stored struct {
	config  *tfprotov6.DynamicValue // its configuration
	state   *tfprotov6.DynamicValue
	private []byte
	value   tftypes.Value
}

func newRPCTarget(b *testing.B, p provider.Provider, typeName string) *rpcTarget {
	b.Helper()
	ctx := context.Background()
	ps, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := ps.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	check(b, "schema", err, schemas.Diagnostics)
	ptyp := schemas.Provider.ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	pcfg := nullsOf(ptyp, nil)
	cfg, err := ps.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamic(b, ptyp, &pcfg)})
	check(b, "configure", err, cfg.Diagnostics)
	typ := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	return &rpcTarget{ctx: ctx, ps: ps, typeName: typeName, typ: typ}
}

// create validates, plans twice (plan and the final plan at apply) and applies one new
// resource named bench-i, as `terraform apply` does.
func (t *rpcTarget) create(b *testing.B, i int) stored {
	config := nullsOf(t.typ, map[string]tftypes.Value{
		"name":   tftypes.NewValue(tftypes.String, fmt.Sprintf("bench-%d", i)),
		"scopes": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "members.read")}),
	})
	cfg := dynamic(b, t.typ, &config)
	for range 2 {
		v, err := t.ps.ValidateResourceConfig(t.ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: t.typeName, Config: cfg})
		check(b, "validate", err, v.Diagnostics)
	}
	prior := dynamic(b, t.typ, nil)
	var plan *tfprotov6.PlanResourceChangeResponse
	for range 2 {
		var err error
		plan, err = t.ps.PlanResourceChange(t.ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: t.typeName, PriorState: prior, ProposedNewState: cfg, Config: cfg,
		})
		check(b, "plan", err, plan.Diagnostics)
	}
	applied, err := t.ps.ApplyResourceChange(t.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: t.typeName, PriorState: prior, PlannedState: plan.PlannedState, Config: cfg, PlannedPrivate: plan.PlannedPrivate,
	})
	check(b, "apply", err, applied.Diagnostics)
	st := t.stored(b, applied.NewState, applied.Private)
	st.config = cfg
	return st
}

// upgrade is Terraform handing the stored state (JSON) back to the provider.
func (t *rpcTarget) upgrade(b *testing.B, st stored) {
	raw, err := json.Marshal(jsonOf(st.value))
	if err != nil {
		b.Fatal(err)
	}
	u, err := t.ps.UpgradeResourceState(t.ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: t.typeName, Version: 0, RawState: &tfprotov6.RawState{JSON: raw},
	})
	check(b, "upgrade", err, u.Diagnostics)
}

func (t *rpcTarget) read(b *testing.B, st stored) stored {
	r, err := t.ps.ReadResource(t.ctx, &tfprotov6.ReadResourceRequest{TypeName: t.typeName, CurrentState: st.state, Private: st.private})
	check(b, "read", err, r.Diagnostics)
	read := t.stored(b, r.NewState, r.Private)
	read.config = st.config
	return read
}

// destroy validates the configuration, plans the destroy twice (plan and final plan) and
// applies it.
func (t *rpcTarget) destroy(b *testing.B, st stored) {
	v, err := t.ps.ValidateResourceConfig(t.ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: t.typeName, Config: st.config})
	check(b, "validate", err, v.Diagnostics)
	null := dynamic(b, t.typ, nil)
	var plan *tfprotov6.PlanResourceChangeResponse
	for range 2 {
		var err error
		plan, err = t.ps.PlanResourceChange(t.ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: t.typeName, PriorState: st.state, ProposedNewState: null, Config: null, PriorPrivate: st.private,
		})
		check(b, "plan destroy", err, plan.Diagnostics)
	}
	applied, err := t.ps.ApplyResourceChange(t.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: t.typeName, PriorState: st.state, PlannedState: plan.PlannedState, Config: null, PlannedPrivate: plan.PlannedPrivate,
	})
	check(b, "destroy", err, applied.Diagnostics)
}

func (t *rpcTarget) stored(b *testing.B, state *tfprotov6.DynamicValue, private []byte) stored {
	v, err := state.Unmarshal(t.typ)
	if err != nil {
		b.Fatal(err)
	}
	return stored{state: state, private: private, value: v}
}

// nullsOf is an object of typ: the given attributes, every other one null.
func nullsOf(typ tftypes.Object, attrs map[string]tftypes.Value) tftypes.Value {
	all := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		all[name] = tftypes.NewValue(at, nil)
		if v, ok := attrs[name]; ok {
			all[name] = v
		}
	}
	return tftypes.NewValue(typ, all)
}

// dynamic is v as msgpack, or a null of typ when v is nil.
func dynamic(b *testing.B, typ tftypes.Object, v *tftypes.Value) *tfprotov6.DynamicValue {
	val := tftypes.NewValue(typ, nil)
	if v != nil {
		val = *v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, val)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// jsonOf is a known value as Terraform writes it in a state file.
func jsonOf(v tftypes.Value) any {
	if v.IsNull() {
		return nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case typ.Is(tftypes.Bool):
		var x bool
		_ = v.As(&x)
		return x
	case typ.Is(tftypes.Number):
		f := new(big.Float)
		_ = v.As(&f)
		return json.Number(f.Text('g', -1))
	case typ.Is(tftypes.Map{}), typ.Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = jsonOf(e)
		}
		return out
	default: // set, list
		var l []tftypes.Value
		_ = v.As(&l)
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = jsonOf(e)
		}
		return out
	}
}

// processCPU is the process's user + system CPU time so far, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func check(b *testing.B, what string, err error, diags []*tfprotov6.Diagnostic) {
	b.Helper()
	if err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}
