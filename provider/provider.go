// Package provider implements the tokenhub Terraform provider.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ provider.Provider                       = (*tokenhubProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*tokenhubProvider)(nil)
	_ provider.ProviderWithListResources      = (*tokenhubProvider)(nil)
)

// Environment variables read when the provider block leaves an attribute unset.
const (
	envEndpoint = "TOKENHUB_ENDPOINT"
	envToken    = "TOKENHUB_TOKEN"
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with an injected clock: plan-time checks (an expiry must be
// in the future) and, later, time-based rotation use it, so tests can pin time.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &tokenhubProvider{version: version, now: now, getenv: os.Getenv, ephemerals: processEphemerals}
	}
}

type tokenhubProvider struct {
	version string
	now     func() time.Time
	getenv  func(string) string // os.Getenv; replaced in tests (env is process-wide)
	// ephemerals tracks ephemeral tokens not yet revoked (revoked at plugin shutdown).
	ephemerals *ephemeralRegistry
	// secretMade, set by tests only, sees each secret tokenhub_token_secret makes.
	secretMade func(secret string)
}

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client        *sdk.Client
	now           func() time.Time
	expiryWarning time.Duration // warn when a token without rotation expires within this
	ephemerals    *ephemeralRegistry
	// access is the provider's own token from GET /api/v1/me, for plan-time permission
	// checks; nil when skip_credentials_validation is set.
	access *callerAccess
	// memberPlans is the members' planned permissions, for their tokens' plans.
	memberPlans *memberPlans
}

type providerModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	Token          types.String `tfsdk:"token"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	ExpiryWarning  types.String `tfsdk:"expiry_warning"`
	SkipCredValid  types.Bool   `tfsdk:"skip_credentials_validation"`
}

func (p *tokenhubProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "tokenhub"
	resp.Version = p.version
}

func (p *tokenhubProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage [tokenhub](https://registry.terraform.io/providers/tokenhub/tokenhub) API tokens as code: " +
			"create, scope, update, rotate and revoke them.\n\n" +
			"Configure the endpoint and an API token with `token.*` (and, for members, `members.*`) scopes, in the provider block or with the " +
			"`" + envEndpoint + "` and `" + envToken + "` environment variables.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the tokenhub API, such as `https://tokenhub.example.com`. " +
					"May also be set with the `" + envEndpoint + "` environment variable.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "API token (`thk_…`) the provider authenticates with. It needs the `token.*` and `members.*` scopes " +
					"for the operations you use, and can only grant scopes it holds itself. " +
					"May also be set with the `" + envToken + "` environment variable (preferred: keeps it out of configuration).",
				Optional:  true,
				Sensitive: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a connection error, a 429 or a 5xx, " +
					"with exponential backoff honouring `Retry-After`. Defaults to `4`; `0` disables retries. At most `100`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout for each HTTP request attempt, as a Go duration such as `30s` or `1m`. " +
					"Defaults to `30s`. Also bounds the whole credentials check at configure (`GET /api/v1/me`, " +
					"retries included), so a wrong endpoint fails a plan within it.",
				Optional:   true,
				Validators: []validator.String{durationRange{min: time.Nanosecond, max: maxDuration}},
			},
			"expiry_warning": schema.StringAttribute{
				MarkdownDescription: "Plans warn about a `tokenhub_api_token` without time-based rotation (`rotate_before`) " +
					"whose expiry is closer than this Go duration. Defaults to `168h` (7 days); `0s` turns the warning off.",
				Optional:   true,
				Validators: []validator.String{durationRange{min: 0, max: maxDuration}},
			},
			"skip_credentials_validation": schema.BoolAttribute{
				MarkdownDescription: "Skip the check of the provider's token at configure (one `GET /api/v1/me` " +
					"per plan or apply) and with it every plan-time permission check, for offline plans. Defaults " +
					"to `false`; may also be set with the `" + envSkipCredentials + "` environment variable.",
				Optional: true,
			},
		},
	}
}

const (
	defaultMaxRetries     = 4
	defaultRequestTimeout = 30 * time.Second
)

func (p *tokenhubProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	for attr, v := range map[string]interface{ IsUnknown() bool }{
		"endpoint": cfg.Endpoint, "token": cfg.Token, "max_retries": cfg.MaxRetries, "request_timeout": cfg.RequestTimeout,
		"expiry_warning": cfg.ExpiryWarning, "skip_credentials_validation": cfg.SkipCredValid,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown tokenhub Provider Configuration",
				fmt.Sprintf("The provider cannot create the tokenhub client because the value of %q is unknown "+
					"at plan time. The value must be known at plan time: set it to a literal, a variable or an "+
					"environment variable rather than to another resource's attribute computed during apply.", attr))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	endpoint := p.getenv(envEndpoint)
	if !cfg.Endpoint.IsNull() {
		endpoint = cfg.Endpoint.ValueString()
	}
	token := p.getenv(envToken)
	if !cfg.Token.IsNull() {
		token = cfg.Token.ValueString()
	}

	if endpoint == "" {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Missing tokenhub API Endpoint",
			"The provider cannot create the tokenhub client because the API endpoint is not set. "+
				"Set the endpoint attribute in the provider block or the "+envEndpoint+" environment variable.")
	} else if err := checkEndpoint(endpoint); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid tokenhub API Endpoint",
			fmt.Sprintf("The endpoint %q is not usable: %s. Use an absolute http or https URL such as "+
				"https://tokenhub.example.com.", endpoint, err))
	}
	if token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Missing tokenhub API Token",
			"The provider cannot create the tokenhub client because the API token is not set. "+
				"Set the token attribute in the provider block or the "+envToken+" environment variable.")
	}

	retries := defaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		n := cfg.MaxRetries.ValueInt64()
		if n < 0 || n > 100 {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid Retry Count",
				fmt.Sprintf("max_retries is %d; it must be between 0 (no retries) and 100.", n))
		}
		retries = int(n)
	}
	// Both were checked by their validators (request_timeout > 0) before Configure runs.
	timeout, d := durationOrDefault(cfg.RequestTimeout, path.Root("request_timeout"), defaultRequestTimeout)
	resp.Diagnostics.Append(d...)
	expiryWarning, d := durationOrDefault(cfg.ExpiryWarning, path.Root("expiry_warning"), defaultExpiryWarning)
	resp.Diagnostics.Append(d...)
	skip, d := skipCredentials(cfg.SkipCredValid, p.getenv)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	ctx = maskSecrets(ctx, token)
	ua := fmt.Sprintf("terraform-provider-tokenhub/%s (+https://registry.terraform.io/providers/tokenhub/tokenhub) Terraform/%s",
		p.version, req.TerraformVersion)
	client, err := sdk.New(endpoint,
		sdk.WithToken(token),
		sdk.WithUserAgent(ua),
		sdk.WithRetryMax(retries),
		sdk.WithTimeout(timeout), // the SDK's own client: a pool sized for Terraform's parallelism
		sdk.WithLogger(tflogAdapter{token: token}),
	)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create tokenhub API Client",
			"The provider could not create the tokenhub client: "+err.Error())
		return
	}
	tflog.Debug(ctx, "configured tokenhub client", map[string]any{"endpoint": endpoint, "max_retries": retries, "request_timeout": timeout.String()})

	data := &providerData{client: client, now: p.now, expiryWarning: expiryWarning, ephemerals: p.ephemerals,
		memberPlans: newMemberPlans()}
	if !skip {
		me, d := fetchMe(ctx, client, endpoint, timeout)
		if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
			return
		}
		access, err := newCallerAccess(me)
		if err != nil {
			resp.Diagnostics.AddError("Unable to Read the Provider Token's Limits",
				"GET /api/v1/me returned limits the provider cannot read ("+err.Error()+"), so it cannot check "+
					"plans against them. Report this to the server's operator, or set skip_credentials_validation = true.")
			return
		}
		data.access = access
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

// checkEndpoint accepts absolute http(s) URLs with a host.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("it does not parse as a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("the scheme must be http or https")
	case u.Host == "":
		return errors.New("it has no host")
	case u.User != nil:
		return errors.New("it must not contain credentials; use the token attribute")
	}
	return nil
}

func (p *tokenhubProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return newAPITokenResource(p.now) },
		newMemberResource,
	}
}

func (p *tokenhubProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newAPITokenEphemeral, newTokenSecretEphemeral(p.secretMade)}
}

// ListResources serve `terraform query` (Terraform >= 1.14); older CLIs never ask.
func (p *tokenhubProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		func() list.ListResource { return newAPITokenListResource(p.now) },
		newMemberListResource,
	}
}

func (p *tokenhubProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newAPITokenDataSource,
		newAPITokensDataSource,
		newScopesDataSource,
		newMemberDataSource,
	}
}
