// Command terraform-provider-iam serves the iam Terraform provider over the plugin protocol.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

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

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/iamkit/iam",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
