package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// protocolServer is what the framework's protocol server implements and terraform-plugin-go looks
// for: the provider's RPCs plus list resources, actions and state stores (which terraform-plugin-go
// finds by their methods).
type protocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// NewServer returns the provider's protocol server: the framework's, except that the framework
// no longer keeps each request's context after the request is answered.
//
// Why: the framework registers every request's context so that StopProvider can cancel it, and
// never unregisters it (proto6server's registerContext appends a cancel func to a slice that only
// StopProvider empties). Each context holds what terraform-plugin-go built for that request: its
// loggers, their fields, and the gRPC stream. That is about 20 KiB per request, every request of
// the process: a no-change plan of 500 members kept 57 MiB alive at its end, one of 2,000 members
// over 200 MiB. Here the framework gets a context that forwards to the request's own until the
// request is answered and then to an empty, cancelled one, so what stays registered is a few words.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		inner, err := providerserver.NewProtocol6WithError(New(version)())()
		if err != nil {
			return nil, err
		}
		s, ok := inner.(protocolServer)
		if !ok {
			return nil, fmt.Errorf("the framework's protocol server (%T) lacks list resources, actions or state stores", inner)
		}
		return releasingServer{s}, nil
	}
}

// releasingServer gives the framework a releasable context for the RPCs terraform sends once per
// resource or data source; the others come once per process, and list resources answer with a stream
// that outlives the call.
type releasingServer struct{ protocolServer }

// withRequestContext calls f with a context that is ctx until f returns, and an empty, cancelled
// context afterwards.
func withRequestContext[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := &requestContext{}
	rc.current.Store(&ctx)
	defer rc.current.Store(&answeredContext)
	return f(rc, req)
}

// requestContext forwards to the context in current.
type requestContext struct {
	current atomic.Pointer[context.Context]
}

// answeredContext is what a requestContext forwards to once its request is answered.
var answeredContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func (c *requestContext) Deadline() (time.Time, bool) { return (*c.current.Load()).Deadline() }
func (c *requestContext) Done() <-chan struct{}       { return (*c.current.Load()).Done() }
func (c *requestContext) Err() error                  { return (*c.current.Load()).Err() }
func (c *requestContext) Value(key any) any           { return (*c.current.Load()).Value(key) }

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.UpgradeResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.UpgradeResourceIdentity)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.MoveResourceState)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.GenerateResourceConfig)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ReadDataSource)
}

func (s releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return withRequestContext(ctx, req, s.protocolServer.ValidateListResourceConfig)
}
