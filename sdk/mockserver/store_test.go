package mockserver

import (
	"slices"
	"testing"
)

// TestStoreOrder: the listing order is kept on insert (new tokens and tokens
// loaded out of order from a state file) and remove, without sorting.
func TestStoreOrder(t *testing.T) {
	t.Parallel()
	st := newStore()
	ids := func() []string {
		var out []string
		for _, tok := range st.ordered() {
			out = append(out, tok.ID)
		}
		return out
	}
	rec := func(id string, seq uint64) *tokenRec {
		return &tokenRec{ID: id, Seq: seq, Digest: digestOf("secret-" + id)}
	}
	st.insert(rec("c", 3)) // as from a state file, out of order
	st.insert(rec("a", 1))
	st.insert(rec("b", 2))
	st.insert(rec("b2", 2)) // same seq (cannot happen through the API): by id
	st.insert(rec("d", 0))  // new: gets seq 4
	if got, want := ids(), []string{"a", "b", "b2", "c", "d"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	if !st.remove("b") || st.remove("b") || !st.remove("d") {
		t.Fatal("remove reported the wrong result")
	}
	st.insert(rec("e", 0))
	if got, want := ids(), []string{"a", "b2", "c", "e"}; !slices.Equal(got, want) {
		t.Fatalf("order after remove = %v, want %v", got, want)
	}
	if got := st.tokens["e"].Seq; got != 5 {
		t.Fatalf("new token seq = %d, want 5 (never reused)", got)
	}
	if len(st.order) != len(st.tokens) {
		t.Fatalf("order has %d tokens, the table %d", len(st.order), len(st.tokens))
	}
}
