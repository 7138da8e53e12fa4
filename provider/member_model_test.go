package provider

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// validate.Username is the plan-time form of the contract's username rule: it must accept
// exactly what openapi.yaml's pattern, minLength and maxLength accept.
func TestUsernamePatternIsTheContracts(t *testing.T) {
	t.Parallel()
	spec, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"CreateMemberRequest", "UpdateMemberRequest"} {
		s := spec.Components.Schemas[body].Value.Properties["username"].Value
		if s.Pattern == "" || s.MaxLength == nil {
			t.Fatalf("%s.username states no pattern or maxLength", body)
		}
		re := regexp.MustCompile(s.Pattern)
		n := int(*s.MaxLength)
		contract := func(v string) bool {
			l := utf8.RuneCountInString(v)
			return re.MatchString(v) && l >= int(s.MinLength) && l <= n
		}
		for _, v := range []string{"", "a", "ci-bot@example.com", "a.b_c-d", strings.Repeat("a", n),
			strings.Repeat("a", n+1), "é", "a b", "a/b", "a<b", "a\nb", "A1"} {
			if got, want := validate.Username(v) == nil, contract(v); got != want {
				t.Errorf("%s.username %q: the provider accepts %v, the contract %v", body, v, got, want)
			}
		}
	}
}
