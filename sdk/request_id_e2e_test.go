package sdk_test

import (
	"errors"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// A refused call against the reference server carries the server's request id, the one its
// request log names.
func TestE2E_requestIDInAPIError(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t)
	c := e2eClient(t, ts, ts.AdminToken)
	_, err := c.GetToken(t.Context(), "0b7c1f9e-2a4d-4c8e-9f10-3d5a6b7c8d9e")
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, sdk.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if len(apiErr.RequestID) != 16 {
		t.Fatalf("RequestID = %q, want the server's 16-character id", apiErr.RequestID)
	}
}
