package sdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// exampleServer stands in for a tokenhub service so the examples run
// offline: it knows /api/v1/me, creating a token and a two-page list.
func exampleServer() *httptest.Server {
	tok := func(id, name string) map[string]any {
		t := tokenJSON(id, name)
		t["token_hint"] = "thk_3kP9"
		return t
	}
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, meJSON([]string{"token.create"}, false))
	})
	mux.HandleFunc("POST /api/v1/token", func(w http.ResponseWriter, r *http.Request) {
		var req sdk.CreateTokenRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		t := tok("0b7c1f9e-2a4d-4c8e-9f10-3d5a6b7c8d9e", req.Name)
		t["scopes"], t["token"] = req.Scopes, "thk_3kP9exampleSecret"
		if v, ok := req.ExpiresAt.Get(); ok {
			t["expires_at"] = v
		}
		reply(w, 201, t)
	})
	mux.HandleFunc("GET /api/v1/tokens", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "" {
			reply(w, 200, map[string]any{"next_cursor": "page2", "items": []any{
				tok("11111111-1111-4111-8111-111111111111", "deploy"), tok("22222222-2222-4222-8222-222222222222", "backup"),
			}})
			return
		}
		reply(w, 200, map[string]any{"items": []any{tok("33333333-3333-4333-8333-333333333333", "monitoring")}})
	})
	return httptest.NewServer(mux)
}

func ExampleNew() {
	srv := exampleServer() // your tokenhub endpoint, such as "https://tokenhub.example.com"
	defer srv.Close()

	client, err := sdk.New(srv.URL,
		sdk.WithToken("thk_yourSecretHere"), // e.g. os.Getenv("TOKENHUB_TOKEN")
		sdk.WithUserAgent("my-automation/1.0"),
		sdk.WithRetryMax(3),
		sdk.WithRetryWait(100*time.Millisecond, 5*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	me, err := client.Me(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("calling as", me.Owner, "with", me.Scopes)
	// Output: calling as 3c2e8a51-7f4d-4b9a-8e6c-1d0f2a3b4c5d with [token.create]
}

func ExampleClient_CreateToken() {
	srv := exampleServer()
	defer srv.Close()
	client, err := sdk.New(srv.URL, sdk.WithToken("thk_yourSecretHere"))
	if err != nil {
		log.Fatal(err)
	}

	// Safe to retry: the SDK sends one Idempotency-Key for all attempts.
	tok, err := client.CreateToken(context.Background(), sdk.CreateTokenRequest{
		Name:       "deploy",
		Scopes:     []sdk.ScopeName{"token.read", "systems.read"},
		ExpiresAt:  sdk.Expiry(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)),
		AllowedIPs: sdk.Ptr([]string{"10.0.0.0/8"}),
	})
	var apiErr *sdk.APIError
	switch {
	case errors.Is(err, sdk.ErrValidation) && errors.As(err, &apiErr):
		for _, fe := range apiErr.FieldErrors {
			fmt.Println(fe.Field, fe.Message)
		}
		return
	case err != nil:
		log.Fatal(err)
	}
	// The secret is in this response and never again: store it now.
	fmt.Println(tok.Name, tok.Scopes, tok.ExpiresAt.Format(time.DateOnly), tok.Token != "")
	// Output: deploy [token.read systems.read] 2027-01-31 true
}

func ExampleClient_Tokens() {
	srv := exampleServer()
	defer srv.Close()
	client, err := sdk.New(srv.URL, sdk.WithToken("thk_yourSecretHere"))
	if err != nil {
		log.Fatal(err)
	}

	// Pages are fetched as the loop goes; breaking out stops fetching.
	for tok, err := range client.Tokens(context.Background(), sdk.ListOptions{Status: sdk.StatusActive}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tok.Name, tok.Status)
	}
	// Output:
	// deploy active
	// backup active
	// monitoring active
}
