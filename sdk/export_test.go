package sdk

// WithWaitHook lets external tests record backoff waits without sleeping.
var WithWaitHook = withWaitHook
