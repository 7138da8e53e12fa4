package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// A token follows its owner (ARCHITECTURE.md: Effective permissions, Cascades): it
// stops working while the owner is disabled, and loses the scopes the owner loses.
// Both happen outside Terraform; these helpers explain them in plans and errors.

// memberIDPattern is a member id as the API returns it (lower case).
var memberIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ownerDisabled reports whether a token does not work because its owner is disabled.
func ownerDisabled(f apiTokenFields) bool {
	return f.DisabledReason.ValueString() == string(sdk.DisabledByOwner)
}

// memberLabel names a member for messages: `"ci-bot" (id …)`, or just the id when
// the member cannot be read (the provider's token may lack members.read).
func memberLabel(ctx context.Context, client *sdk.Client, id string) string {
	if client != nil && id != "" {
		if m, err := client.GetMember(ctx, id); err == nil {
			return fmt.Sprintf("%q (id %s)", m.Username, id)
		}
	}
	return "with id " + id
}

// ownerDisabledWarning is the plan's warning for a token whose owner is disabled:
// the plan stays clean (enabled is untouched), but the token does not work, and
// the server deletes it 7 days after it stopped working.
func ownerDisabledWarning(ctx context.Context, client *sdk.Client, state *apiTokenResourceModel) diag.Diagnostics {
	if state == nil || !ownerDisabled(state.apiTokenFields) {
		return nil
	}
	return ownerOffWarning(state, memberLabel(ctx, client, state.Owner.ValueString()))
}

func ownerOffWarning(state *apiTokenResourceModel, owner string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeWarning(path.Root("status"), "API Token's Owner Is Disabled",
		fmt.Sprintf("API token %q (id %s) does not work because its owner, member %s, is disabled; the "+
			"token's own enabled is left as configured and Terraform cannot make it work. Re-enable the member "+
			"(enabled = true on its tokenhub_member, or in tokenhub) to restore the token. The server deletes a "+
			"token 7 days after it stopped working, so a member disabled for a week loses its tokens.",
			state.Name.ValueString(), state.ID.ValueString(), owner))
	return diags
}

// ownerOffBehind reports, for a token a plan would make "active" again, whether its
// owner is disabled too: the server then reports the token's own reason (expired,
// token_disabled), not owner_disabled, and the fix would leave it disabled. It asks
// the API only on that path; an owner it cannot read counts as enabled.
func ownerOffBehind(ctx context.Context, client *sdk.Client, state *apiTokenResourceModel) diag.Diagnostics {
	if client == nil || state == nil || state.Status.ValueString() == string(sdk.StatusActive) || ownerDisabled(state.apiTokenFields) {
		return nil
	}
	id := state.Owner.ValueString()
	m, err := client.GetMember(ctx, id)
	if err != nil || m.Enabled {
		return nil
	}
	return ownerOffWarning(state, fmt.Sprintf("%q (id %s)", m.Username, id))
}

// A token can hold only permissions its owner holds (ARCHITECTURE.md: Effective
// permissions). The plan checks it (ownerHoldsScopes) and apply explains the server's
// refusal (writeError) in one wording, ownerLacksDiag, whichever way the server sent it.

// ownerView is a token's owner as the check sees it.
type ownerView struct {
	id, username string
	policy.Member
}

// ownerLacksDiag is the one wording of a token configured with scopes its owner lacks.
func ownerLacksDiag(summary string, name types.String, owner ownerView, missing []string) diag.Diagnostics {
	list := strings.Join(missing, ", ")
	token := "This API token"
	if !name.IsUnknown() && !name.IsNull() {
		token = fmt.Sprintf("API token %q", name.ValueString())
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("scopes"), summary,
		fmt.Sprintf("%s cannot hold %s: its owner, member %q (id %s), does not have that permission, and a token "+
			"can use only permissions its owner holds. Grant %s to member %q (its permissions in tokenhub_member, "+
			"or in tokenhub), or remove %s from scopes.", token, list, owner.username, owner.id, list, owner.username, list))
	return diags
}

// ownerHoldsScopes fails a plan whose token holds scopes its owner lacks, and returns them. The
// owner is the configured owner, else the provider token's own member; its permissions are the
// ones planned for its tokenhub_member in this plan when there is one (memberPlans), else the
// server's. Nothing is checked when the owner or its planned permissions are unknown, or when
// the provider's token cannot read the owner (it lacks members.read): the server then refuses
// at apply, in the same words. A plan that keeps the token's scopes asks the server nothing:
// the server keeps a token's scopes within its owner's permissions.
func (r *apiTokenResource) ownerHoldsScopes(ctx context.Context, plan, config apiTokenResourceModel, state *apiTokenResourceModel) (diag.Diagnostics, ownerView, []string) {
	id, ok := r.plannedOwner(plan, config)
	if !ok {
		return nil, ownerView{}, nil
	}
	owner, planned, known := r.memberPlans.get(id)
	switch {
	case planned && !known:
		return nil, ownerView{}, nil
	case planned:
	case state != nil && plan.Scopes.Equal(state.Scopes):
		return nil, ownerView{}, nil
	default:
		if owner, ok = r.readOwner(ctx, id); !ok {
			return nil, ownerView{}, nil
		}
	}
	missing := owner.Lacks(knownStrings(plan.Scopes))
	if len(missing) == 0 {
		return nil, owner, nil
	}
	return ownerLacksDiag("API Token's Owner Lacks Permission", plan.Name, owner, missing), owner, missing
}

// plannedOwner is the member id that owns (or will own) a planned token: the planned owner,
// or the provider token's own member when the configuration leaves owner out (the plan
// shows it unknown until create); false when unknown.
func (r *apiTokenResource) plannedOwner(plan, config apiTokenResourceModel) (string, bool) {
	switch {
	case !plan.Owner.IsUnknown() && !plan.Owner.IsNull():
		return strings.ToLower(plan.Owner.ValueString()), true
	case config.Owner.IsNull() && r.access != nil:
		return r.access.MemberID, true
	}
	return "", false
}

// readOwner reads member id from the server (the provider token's own member from GET
// /api/v1/me); false when it cannot be read.
func (r *apiTokenResource) readOwner(ctx context.Context, id string) (ownerView, bool) {
	if r.access != nil && id == r.access.MemberID {
		return ownerView{id: id, username: r.access.username, Member: r.access.member}, true
	}
	if r.client == nil {
		return ownerView{}, false
	}
	m, err := r.client.GetMember(ctx, id)
	if err != nil {
		tflog.Debug(ctx, "cannot read the token's owner; the server checks its permissions at apply",
			map[string]any{"owner": id, "error": err.Error()})
		return ownerView{}, false
	}
	return ownerView{id: m.ID, username: m.Username, Member: policy.MemberFrom(m)}, true
}

// writeError reports a refused create or update: when the owner lacks scopes the plan gives
// the token, in ownerLacksDiag's words (the server's 403 may or may not list field errors);
// otherwise as apiErrorDiags does.
func (r *apiTokenResource) writeError(ctx context.Context, summary, detail string, err error, plan apiTokenResourceModel) diag.Diagnostics {
	if errors.Is(err, sdk.ErrForbidden) {
		// At apply a configured owner is known; an unknown one is the provider token's member.
		id, ok := r.plannedOwner(plan, apiTokenResourceModel{})
		if !ok && r.client != nil {
			if me, meErr := r.client.Me(ctx); meErr == nil {
				id, ok = me.Owner, true
			}
		}
		if ok {
			if owner, read := r.readOwner(ctx, id); read {
				if missing := owner.Lacks(knownStrings(plan.Scopes)); len(missing) > 0 {
					return ownerLacksDiag(summary, plan.Name, owner, missing)
				}
			}
		}
	}
	return apiErrorDiags(summary, detail, err, apiTokenAttributes)
}
