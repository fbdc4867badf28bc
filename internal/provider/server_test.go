package provider

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestServerKeepsNoAnsweredRequestContext sends each per-resource RPC with a context that carries a
// large value, then checks that nothing keeps the value once the RPC is answered. The framework
// alone keeps every request's context until StopProvider: 57 MiB at the end of a no-change plan of
// 500 members.
func TestServerKeepsNoAnsweredRequestContext(t *testing.T) {
	srv, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	const typeName = "iam_no_such_type" // every RPC registers its context before looking the type up
	calls := map[string]func(context.Context){
		"ValidateResourceConfig": func(ctx context.Context) {
			_, _ = srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName})
		},
		"UpgradeResourceState": func(ctx context.Context) {
			_, _ = srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName})
		},
		"UpgradeResourceIdentity": func(ctx context.Context) {
			_, _ = srv.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: typeName})
		},
		"ReadResource": func(ctx context.Context) {
			_, _ = srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName})
		},
		"PlanResourceChange": func(ctx context.Context) {
			_, _ = srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName})
		},
		"ApplyResourceChange": func(ctx context.Context) {
			_, _ = srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName})
		},
		"ImportResourceState": func(ctx context.Context) {
			_, _ = srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName})
		},
		"MoveResourceState": func(ctx context.Context) {
			_, _ = srv.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{TargetTypeName: typeName})
		},
		"ValidateDataResourceConfig": func(ctx context.Context) {
			_, _ = srv.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName})
		},
		"ReadDataSource": func(ctx context.Context) {
			_, _ = srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName})
		},
		"GenerateResourceConfig": func(ctx context.Context) {
			_, _ = srv.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{TypeName: typeName})
		},
		"ValidateListResourceConfig": func(ctx context.Context) {
			_, _ = srv.(tfprotov6.ListResourceServer).ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: typeName})
		},
	}
	type key struct{}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			kept := func() weak.Pointer[[1 << 20]byte] {
				payload := new([1 << 20]byte)
				ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, payload))
				defer cancel() // as gRPC does when the request is answered
				call(ctx)
				return weak.Make(payload)
			}()
			runtime.GC()
			runtime.GC()
			if kept.Value() != nil {
				t.Errorf("%s: the request's context is still reachable after the request was answered", name)
			}
		})
	}
}

// TestRequestContextForwardsUntilAnswered: during the request the framework's context carries the
// request's values and its cancellation (an interrupted terraform, StopProvider), also to a child
// the framework derives from it, as its registerContext does; once answered it carries nothing.
func TestRequestContextForwardsUntilAnswered(t *testing.T) {
	type key struct{}
	outer, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "logger"))
	var seen context.Context
	_, err := withRequestContext(outer, "request", func(ctx context.Context, _ string) (string, error) {
		seen = ctx
		if v := ctx.Value(key{}); v != "logger" {
			t.Errorf("during the request Value = %v, want the request's value", v)
		}
		child, stop := context.WithCancel(ctx)
		defer stop()
		cancel()
		select {
		case <-child.Done():
			return "", child.Err()
		case <-time.After(10 * time.Second):
			return "", errors.New("cancelling the request did not reach a context derived from the framework's")
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if v := seen.Value(key{}); v != nil {
		t.Errorf("after the answer Value = %v, want nil (nothing of the request kept)", v)
	}
	if !errors.Is(seen.Err(), context.Canceled) {
		t.Errorf("after the answer Err = %v, want context.Canceled", seen.Err())
	}
}
