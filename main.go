// Command terraform-provider-iam serves the iam Terraform provider over the plugin protocol.
package main

import (
	"flag"
	"log"
	"os"
	runtimedebug "runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/iamkit/terraform-provider-iam/internal/provider"
)

// Generate the documentation from the schema, examples/ and templates/. The terraform binary on
// PATH is used to read the schema; nothing is downloaded.
//go:generate go tool tfplugindocs generate --provider-name iam --rendered-provider-name iam

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	for k, v := range quietLogDefaults(os.Environ()) {
		_ = os.Setenv(k, v)
	}
	setGCPercent(os.Getenv)

	// What providerserver.Serve does, with the provider's own protocol server (provider.NewServer).
	server, err := provider.NewServer(version)()
	if err != nil {
		log.Fatal(err.Error())
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve("registry.terraform.io/iamkit/iam", func() tfprotov6.ProviderServer { return server }, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// gcPercent is the garbage collector's target unless GOGC is set. Between requests the provider's
// heap is about 5 MiB, so Go's default (100) collects after every few MiB of allocation: over a
// hundred collections in one no-change plan of 500 members. 150 (the heap may grow to two and a half
// times what is live) takes about an eighth off a plan's provider CPU; 200 took no more, and the
// peak of a 2,000-person iam_account_members run grew past 150 MiB.
const gcPercent = 150

// setGCPercent sets the collector's target to gcPercent unless the user set GOGC.
func setGCPercent(getenv func(string) string) {
	if getenv("GOGC") == "" {
		runtimedebug.SetGCPercent(gcPercent)
	}
}

// quietLogDefaults turns the plugin SDK's and the provider's own logs off when the user asked for
// no logs at all (no TF_LOG* variable). Terraform then drops every line a provider sends, but the
// SDK would still format a TRACE line per set element on every plan: about a quarter of the
// provider's CPU time on a plan of 500 members (see the README's performance section). Any TF_LOG*
// variable leaves the defaults alone, so TF_LOG=trace shows everything as usual.
func quietLogDefaults(environ []string) map[string]string {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") {
			return nil
		}
	}
	// The framework's and the protocol's subsystem loggers check their own level before doing any
	// work; unset, it defaults to "log everything" and every TRACE call builds its fields first.
	// The provider's logger (and the API client's subsystem under it) reads TF_LOG_PROVIDER_IAM.
	return map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER": "OFF", "TF_LOG_PROVIDER_IAM": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_SDK_PROTO": "OFF"}
}
