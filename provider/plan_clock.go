package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Plans that stay true between plan and apply.
//
// Terraform plans a resource twice: at `terraform plan`, and again during apply
// (the "final plan"), once the values unknown at plan are known. Every value the
// first plan shows as known must come out the same in the final plan, or apply
// fails with "Provider produced inconsistent final plan". The final plan cannot
// see the first one, and the clock has moved on: by a second, or by days for a
// saved plan. So nothing ModifyPlan shows as known may depend on the time of
// planning:
//
//   - expires_at derived from lifetime is unknown in the plan ("known after
//     apply") whenever apply sets it: on create, on rotation, when lifetime
//     changes, and when the expiry was cleared outside Terraform. Create and Update
//     fix it as the time of apply plus lifetime (lifetimeExpiry, rotation.go, the one
//     place it is computed), so the value shown after apply is the one the token
//     has. Otherwise the plan keeps the state's value.
//   - Whether a token is due for rotation by time (within rotate_before of its
//     expiry, or past it), and whether a kept expiry leaves it "active", are
//     judged as of the moment the state was last synced with the server: the
//     refresh before the plan (Read), or the apply that wrote the state
//     (Create, Update). That moment is kept in private state, so the first and
//     the final plan judge alike. A clock that crosses the rotate_before boundary
//     between plan and apply therefore does not rotate in that apply: the plan
//     said it would not, and the next plan does. This is how hashicorp/time's
//     time_rotating decides too (in Read). With -refresh=false the judgment is as
//     of the last refresh or apply.
//   - Inputs unknown at plan that decide a rotation (lifetime, rotate_before,
//     rotation_triggers) mean the token may rotate: token, token_hint and
//     expires_at are unknown, and the final plan, with the values known, decides.
//   - Checks that can only fail (an expires_at already past) and warnings use the
//     current clock. In the final plan they may stop an apply whose planned
//     expiry has passed in the meantime, with an error naming it, but they never
//     change a planned value.

// privateSyncedAt is the private-state key holding when the state was last synced.
const privateSyncedAt = "synced_at"

// privateSetter and privateGetter are the framework's private state data
// (a type the framework keeps internal).
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateGetter is also the private data of an ephemeral Renew or Close request.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// recordSync notes in p that the state was synced with the server at t. Callers
// skip it when the response has no private data (unit tests' bare responses).
func recordSync(ctx context.Context, p privateSetter, t time.Time) diag.Diagnostics {
	b, err := json.Marshal(t.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return nil // a string always marshals
	}
	return p.SetKey(ctx, privateSyncedAt, b)
}

// lastSync is when the prior state was last synced, if recorded. State written by
// a release before this one has no record until its next refresh.
func lastSync(ctx context.Context, p privateGetter) (time.Time, bool) {
	b, diags := p.GetKey(ctx, privateSyncedAt)
	if diags.HasError() || len(b) == 0 {
		return time.Time{}, false
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
