package sdk

import "time"

// MaxOverlap is the longest rotation overlap the contract allows.
const MaxOverlap = 720 * time.Hour

// Overlap returns d as RotateTokenRequest.Overlap, so a duration is typed and
// checked by the compiler instead of written as a string:
//
//	c.RotateToken(ctx, id, sdk.RotateTokenRequest{Overlap: sdk.Overlap(24 * time.Hour)})
//
// Zero is left out of the request: the previous secret stops working at once. The server
// refuses a negative overlap or one longer than [MaxOverlap] with a 400
// ([ErrValidation]) naming the overlap field.
func Overlap(d time.Duration) Duration { return Duration(d) }
