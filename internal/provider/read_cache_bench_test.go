package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamkit/terraform-provider-iam/internal/emulator"
)

// BenchmarkRefreshMembers refreshes every member of accounts of several sizes the way a plan does,
// through the read cache, and reports the API requests one whole refresh costs.
func BenchmarkRefreshMembers(b *testing.B) {
	for _, size := range []int{50, 500, 2000} {
		b.Run(fmt.Sprintf("members=%d", size), func(b *testing.B) {
			env := newTestEnv(b, emulator.Options{})
			ids, err := env.Server.SeedMembers(env.AccountID, size, "bench")
			if err != nil {
				b.Fatal(err)
			}
			cl := env.Client(b)
			ctx := context.Background()
			env.Server.ResetRequests()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cache := newReadCache() // one terraform run
				for _, id := range ids {
					if _, err := cache.Member(ctx, cl, env.AccountID, id); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(len(env.Server.Requests()))/float64(b.N), "requests/op")
		})
	}
}
