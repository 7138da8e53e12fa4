package sdk

import "github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"

// MaxOverlap is the longest rotation overlap the contract allows. RotateTokenRequest.Overlap
// is a time.Duration (sent as a Go duration string, "24h"); zero is left out of the request
// and the previous secret stops working at once. The server refuses a negative overlap or
// one longer than MaxOverlap with a 400 ([ErrValidation]) naming the overlap field.
const MaxOverlap = validate.MaxOverlap
