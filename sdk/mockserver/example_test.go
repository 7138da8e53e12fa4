package mockserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// In a test, prefer mockserver.NewTestServer(t): it does all of this and cleans up.
func ExampleNew() {
	srv, err := mockserver.New(mockserver.WithRateLimit(0))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()

	req, _ := http.NewRequest("GET", hs.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+srv.AdminToken())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	fmt.Println(res.StatusCode)
	// Output: 200
}
