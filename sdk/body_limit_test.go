package sdk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// A 200 MB reply is refused after the limit, not decoded: the SDK allocated 713 MB for one
// before it bounded what it reads. Not parallel: it measures the process's allocations.
func TestResponseBodyIsBounded(t *testing.T) {
	const size = 200 << 20
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		head, _ := json.Marshal(tokenJSON(tokenID, "n"))
		// A valid token with a 200 MB field, streamed until the client hangs up.
		_, _ = w.Write(bytes.TrimSuffix(head, []byte("}")))
		_, _ = w.Write([]byte(`,"description":"`))
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range size >> 20 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}`))
	})
	c := newClient(t, f.URL)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.GetToken(context.Background(), tokenID)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("200 MB reply: %d MB allocated, error: %v", alloc>>20, err)
	if !errors.Is(err, sdk.ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
	if !strings.Contains(err.Error(), "get token "+tokenID) || !strings.Contains(err.Error(), "WithMaxResponseBytes") {
		t.Errorf("error does not say which call and what to change: %v", err)
	}
	if alloc > 64<<20 {
		t.Fatalf("allocated %d MB for a refused reply", alloc>>20)
	}
}

func TestWithMaxResponseBytes(t *testing.T) {
	t.Parallel()
	body, _ := json.Marshal(tokenJSON(tokenID, "n"))
	body = append(body, '\n')
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	n := int64(len(body))
	// Exactly the limit is read (the JSON value without its newline: n-1); less is refused.
	if _, err := newClient(t, f.URL, sdk.WithMaxResponseBytes(n)).GetToken(context.Background(), tokenID); err != nil {
		t.Fatalf("body of exactly the limit: %v", err)
	}
	if _, err := newClient(t, f.URL, sdk.WithMaxResponseBytes(n-2)).GetToken(context.Background(), tokenID); !errors.Is(err, sdk.ErrResponseTooLarge) {
		t.Fatalf("body over the limit: err = %v", err)
	}
	for _, bad := range []int64{0, -1} {
		if _, err := sdk.New(f.URL, sdk.WithMaxResponseBytes(bad)); err == nil || !strings.Contains(err.Error(), "WithMaxResponseBytes") {
			t.Errorf("WithMaxResponseBytes(%d): err = %v", bad, err)
		}
	}
}

// A capped 400 says how many problems it left out.
func TestAPIError_FieldErrorsOmitted(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"type":"https://tokenhub.dev/problems/validation","title":"Invalid request","status":400,` +
			`"errors":[{"field":"scopes[0]","message":"unknown scope"}],"errors_omitted":11999}`))
	})
	_, err := newClient(t, f.URL).GetToken(context.Background(), tokenID)
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) || apiErr.FieldErrorsOmitted != 11999 || !strings.Contains(err.Error(), "and 11999 more") {
		t.Fatalf("err = %v (%+v)", err, apiErr)
	}
}
