package mockserver

import (
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// catalogue is the scope catalogue in contract order (the ScopeName enum of openapi.yaml).
var catalogue = []serverapi.Scope{
	{Name: "members.create", Group: "members", Description: "Create members."},
	{Name: "members.read", Group: "members", Description: "Read one member."},
	{Name: "members.read-all", Group: "members", Description: "List all members."},
	{Name: "members.update", Group: "members", Description: "Update members."},
	{Name: "members.delete", Group: "members", Description: "Delete members."},
	{Name: "members.disconnect", Group: "members", Description: "Disconnect members' sessions."},
	{Name: "groups.create", Group: "groups", Description: "Create groups."},
	{Name: "groups.read", Group: "groups", Description: "Read one group."},
	{Name: "groups.read-all", Group: "groups", Description: "List all groups."},
	{Name: "groups.update", Group: "groups", Description: "Update groups."},
	{Name: "groups.delete", Group: "groups", Description: "Delete groups."},
	{Name: "systems.create", Group: "systems", Description: "Create systems."},
	{Name: "systems.read", Group: "systems", Description: "Read one system."},
	{Name: "systems.read-all", Group: "systems", Description: "List all systems."},
	{Name: "systems.update", Group: "systems", Description: "Update systems."},
	{Name: "systems.delete", Group: "systems", Description: "Delete systems."},
	{Name: "system-groups.create", Group: "system-groups", Description: "Create system groups."},
	{Name: "system-groups.read", Group: "system-groups", Description: "Read one system group."},
	{Name: "system-groups.read-all", Group: "system-groups", Description: "List all system groups."},
	{Name: "system-groups.update", Group: "system-groups", Description: "Update system groups."},
	{Name: "system-groups.delete", Group: "system-groups", Description: "Delete system groups."},
	{Name: "access-cards.create", Group: "access-cards", Description: "Create access cards."},
	{Name: "access-cards.read", Group: "access-cards", Description: "Read one access card."},
	{Name: "access-card.read-all", Group: "access-cards", Description: "List all access cards."},
	{Name: "access-cards.update", Group: "access-cards", Description: "Update access cards."},
	{Name: "access-cards.delete", Group: "access-cards", Description: "Delete access cards."},
	{Name: "member-group-relation.add", Group: "relations", Description: "Add members to groups."},
	{Name: "member-group-relation.delete", Group: "relations", Description: "Remove members from groups."},
	{Name: "member-ac-relation.add", Group: "relations", Description: "Give members access cards."},
	{Name: "member-ac-relation.delete", Group: "relations", Description: "Take access cards from members."},
	{Name: "group-access-card-relation.add", Group: "relations", Description: "Give groups access cards."},
	{Name: "group-access-card-relation.delete", Group: "relations", Description: "Take access cards from groups."},
	{Name: "system-system-group-relation.add", Group: "relations", Description: "Add systems to system groups."},
	{Name: "system-system-group-relation.delete", Group: "relations", Description: "Remove systems from system groups."},
	{Name: "system-ac-relation.add", Group: "relations", Description: "Give systems access cards."},
	{Name: "system-ac-relation.delete", Group: "relations", Description: "Take access cards from systems."},
	{Name: "system-group-access-card-relation.add", Group: "relations", Description: "Give system groups access cards."},
	{Name: "system-group-access-card-relation.delete", Group: "relations", Description: "Take access cards from system groups."},
	{Name: "gateways.read", Group: "gateways", Description: "Read one gateway."},
	{Name: "gateway.read-all", Group: "gateways", Description: "List all gateways."},
	{Name: "devices.read", Group: "devices", Description: "Read one device."},
	{Name: "devices.read-all", Group: "devices", Description: "List all devices."},
	{Name: "devices.delete", Group: "devices", Description: "Delete devices."},
	{Name: "token.create", Group: "tokens", Description: "Create API tokens (only with scopes the caller holds)."},
	{Name: "token.read", Group: "tokens", Description: "Read one API token."},
	{Name: "token.read-all", Group: "tokens", Description: "List API tokens."},
	{Name: "token.update", Group: "tokens", Description: "Update and rotate API tokens."},
	{Name: "token.delete", Group: "tokens", Description: "Revoke API tokens."},
	{Name: "gateway-log.read", Group: "logs", Description: "Read gateway logs."},
	{Name: "system-logs.read", Group: "logs", Description: "Read system logs."},
	{Name: "threat-blocker-logs.read", Group: "logs", Description: "Read threat-blocker logs."},
	{Name: "device-posture-check-logs.read", Group: "logs", Description: "Read device-posture-check logs."},
	{Name: "admin-logs.read", Group: "logs", Description: "Read admin logs."},
}

// canonicalScope maps each catalogue name to one shared string, so stored tokens
// don't each hold their own decoded copies of the same names.
var canonicalScope = func() map[serverapi.ScopeName]string {
	m := make(map[serverapi.ScopeName]string, len(catalogue))
	for _, s := range catalogue {
		m[s.Name] = string(s.Name)
	}
	return m
}()

// allScopeNames returns every catalogue name, in contract order.
func allScopeNames() []string {
	out := make([]string, len(catalogue))
	for i, s := range catalogue {
		out[i] = string(s.Name)
	}
	return out
}

func knownScope(name string) bool { return serverapi.ScopeName(name).Valid() }
