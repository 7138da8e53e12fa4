package mockserver

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// bodySpec is one request body: its fields (in the order problems are reported) and the
// value checks its handler runs, so a body with wrong types gets those checks too.
type bodySpec struct {
	fields []fieldSpec
	// values decodes the well-typed part of a body and returns its value problems.
	values func(clean []byte, now time.Time) fieldErrs
}

var (
	createSchema = &bodySpec{
		fields: []fieldSpec{{"name", kindString}, {"scopes", kindStringArray}, {"expires_at", kindNullableString},
			{"allowed_ips", kindStringArray}, {"enabled", kindBool}, {"owner", kindUUID}, {"shared", kindBool},
			{"token", kindString}},
		values: typedValues(createErrors),
	}
	updateSchema = &bodySpec{
		fields: []fieldSpec{{"name", kindString}, {"scopes", kindStringArray}, {"expires_at", kindNullableString},
			{"allowed_ips", kindStringArray}, {"enabled", kindBool}, {"shared", kindBool}},
		values: typedValues(updateErrors),
	}
	createMemberSchema = &bodySpec{
		fields: []fieldSpec{{"username", kindString}, {"role", kindString}, {"permissions", kindStringArray},
			{"enabled", kindBool}},
		values: typedValues(memberErrors[serverapi.CreateMemberRequest]),
	}
	updateMemberSchema = &bodySpec{fields: createMemberSchema.fields, values: typedValues(memberErrors[serverapi.UpdateMemberRequest])}
	rotateSchema       = &bodySpec{
		fields: []fieldSpec{{"overlap", kindString}, {"expires_at", kindNullableString}, {"token", kindString}},
		values: typedValues(rotateErrors),
	}
)

func typedValues[T any](check func(*T, time.Time) fieldErrs) func([]byte, time.Time) fieldErrs {
	return func(clean []byte, now time.Time) fieldErrs {
		var b T
		if json.Unmarshal(clean, &b) != nil {
			return nil // cannot happen: clean holds only well-typed fields
		}
		return check(&b, now)
	}
}

// valueErrors runs the body's value checks on its well-typed part: fields with a type error
// are left out, wrong-typed array elements become "" (so indexes stay put), and problems on
// a field that already has a type error are dropped rather than reported twice.
func (spec *bodySpec) valueErrors(obj map[string]any, typeErrs []serverapi.FieldError, now time.Time) fieldErrs {
	bad := make(map[string]bool, len(typeErrs))
	for _, e := range typeErrs {
		bad[e.Field] = true
	}
	clean := make(map[string]any, len(spec.fields))
	for _, f := range spec.fields {
		v, ok := obj[f.name]
		if !ok || bad[f.name] {
			continue
		}
		if arr, isArr := v.([]any); isArr {
			cp := make([]any, len(arr))
			for i, el := range arr {
				if s, isStr := el.(string); isStr {
					cp[i] = s
				} else {
					cp[i] = ""
				}
			}
			v = cp
		}
		clean[f.name] = v
	}
	raw, err := json.Marshal(clean)
	if err != nil {
		return nil
	}
	var out fieldErrs
	for _, e := range spec.values(raw, now) {
		if !bad[e.Field] {
			out = append(out, e)
		}
	}
	return out
}

// order sorts problems by the field they concern, in the body's field order (an array's
// elements under their field, unknown fields last), keeping each field's own order.
func (spec *bodySpec) order(errs []serverapi.FieldError) []serverapi.FieldError {
	rank := func(field string) int {
		name, _, _ := strings.Cut(field, "[")
		for i, f := range spec.fields {
			if f.name == name {
				return i
			}
		}
		return len(spec.fields)
	}
	slices.SortStableFunc(errs, func(a, b serverapi.FieldError) int { return rank(a.Field) - rank(b.Field) })
	return errs
}
