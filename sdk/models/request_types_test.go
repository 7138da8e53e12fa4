package models_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// TestNullableTimeThreeStates: a request's expires_at is left out when absent, null for
// "never", and an RFC 3339 UTC time when set — the three states the contract gives it.
func TestNullableTimeThreeStates(t *testing.T) {
	at := time.Date(2027, 1, 31, 12, 0, 0, 500, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name string
		v    models.NullableTime
		want string
	}{
		{"absent", models.NullableTime{}, `{}`},
		{"null", models.NullTime(), `{"expires_at":null}`},
		{"time", models.NewNullableTime(at), `{"expires_at":"2027-01-31T11:00:00Z"}`},
	} {
		b, err := json.Marshal(models.UpdateTokenRequest{ExpiresAt: tc.v})
		if err != nil || string(b) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.name, b, err, tc.want)
		}
		var back models.UpdateTokenRequest
		if err := json.Unmarshal(b, &back); err != nil || back.ExpiresAt != tc.v {
			t.Errorf("%s: round trip = %v, %v; want %v", tc.name, back.ExpiresAt, err, tc.v)
		}
	}
	if got, ok := models.NewNullableTime(at).Get(); !ok || !got.Equal(at.Truncate(time.Second)) {
		t.Errorf("Get = %v, %v", got, ok)
	}
	if _, ok := models.NullTime().Get(); ok || !models.NullTime().IsNull() || models.NullTime().IsZero() {
		t.Error("NullTime reads as set, not null, or absent")
	}
	var n models.NullableTime
	if err := json.Unmarshal([]byte(`"2027-01-31 00:00:00"`), &n); err == nil {
		t.Error("a non-RFC 3339 time decoded")
	}
}

// TestDurationJSON: Overlap goes out as a Go duration string a person would write, and zero
// is left out (the previous secret stops at once).
func TestDurationJSON(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                          `{}`,
		time.Hour:                  `{"overlap":"1h"}`,
		90 * time.Minute:           `{"overlap":"1h30m"}`,
		24*time.Hour + time.Second: `{"overlap":"24h0m1s"}`,
		30 * time.Second:           `{"overlap":"30s"}`,
		-time.Minute:               `{"overlap":"-1m"}`,
	} {
		b, err := json.Marshal(models.RotateTokenRequest{Overlap: d})
		if err != nil || string(b) != want {
			t.Errorf("%v: %s, %v; want %s", d, b, err, want)
		}
		var back models.RotateTokenRequest
		if err := json.Unmarshal(b, &back); err != nil || back.Overlap != d {
			t.Errorf("%v: round trip = %v, %v", d, back.Overlap, err)
		}
	}
	var r models.RotateTokenRequest
	if err := json.Unmarshal([]byte(`{"overlap":"1 day"}`), &r); err == nil {
		t.Error(`"1 day" decoded`)
	}
	// Every other field still travels (the hand-written JSON embeds the generated type).
	exp := models.NullableTime{}
	if err := json.Unmarshal([]byte(`"2027-01-31T00:00:00Z"`), &exp); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(models.RotateTokenRequest{Overlap: time.Hour, ExpiresAt: exp})
	if err != nil || string(b) != `{"expires_at":"2027-01-31T00:00:00Z","overlap":"1h"}` {
		t.Errorf("with expires_at: %s, %v", b, err)
	}
}
