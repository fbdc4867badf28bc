package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
)

// Each catalogue's ids_by_name documents a lookup of its own kind: never a role name
// ("Administrator") for permission or resource groups.
func TestCatalogIDsByNameExamples(t *testing.T) {
	for name, c := range map[string]struct {
		ds   datasource.DataSource
		want string
	}{
		"roles":             {NewRolesDataSource(), `ids_by_name["Administrator"]`},
		"permission_groups": {NewPermissionGroupsDataSource(), `ids_by_name["DNS Read"]`},
		"resource_groups":   {NewResourceGroupsDataSource(), `ids_by_name["com.cloudflare.api.account.`},
	} {
		var resp datasource.SchemaResponse
		c.ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
		doc := resp.Schema.Attributes["ids_by_name"].GetMarkdownDescription()
		if !strings.Contains(doc, c.want) || (name != "roles" && strings.Contains(doc, "Administrator")) {
			t.Errorf("iam_%s ids_by_name: %q, want an example like %s", name, doc, c.want)
		}
	}
}
