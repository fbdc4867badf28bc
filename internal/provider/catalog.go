package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// catalogEntry is one item of a read-only catalogue of the account (a role, a permission group).
type catalogEntry struct {
	ID          string
	Name        string
	Description string
}

// catalogKind is one of the account's read-only catalogues: what it is called and how it is listed
// (every page). Its data source (roles_data_source.go, permission_groups_data_source.go,
// resource_groups_data_source.go) and the plan-time ID checks (plan_checks.go) share it.
type catalogKind struct {
	typeSuffix string // "roles": the data source is iam_roles
	noun       string // "role"
	example    string // an ids_by_name lookup for the docs, e.g. `ids_by_name["Administrator"]`
	list       func(ctx context.Context, cl *client.Client, accountID string) ([]catalogEntry, error)
}

type catalogModel struct {
	AccountID types.String `tfsdk:"account_id"`
	Name      types.String `tfsdk:"name"`
	ID        types.String `tfsdk:"id"`
	Items     types.List   `tfsdk:"items"`
	IDsByName types.Map    `tfsdk:"ids_by_name"`
}

var catalogItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "description": types.StringType,
}}

// catalogSchema is the schema of a catalogue data source: lookup by name, every item, and a map
// from name to ID.
func catalogSchema(d catalogKind) schema.Schema {
	return schema.Schema{
		MarkdownDescription: fmt.Sprintf("Looks up the account's %ss, every page of them, so that configurations refer to a %s by name "+
			"instead of hard-coding its ID. With `name`, exactly one %s must match.", d.noun, d.noun, d.noun),
		Attributes: map[string]schema.Attribute{
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Account to read. Defaults to the provider's `account_id`.",
				Optional:            true,
				Validators:          []validator.String{accountIDValidator()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Exact name of one %s; when set, `id` is its ID and `items` holds only it. "+
					"No match is an error that lists the names available.", d.noun),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The ID of the %s named by `name`; the account ID when `name` is not set.", d.noun),
				Computed:            true,
			},
			"items": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The %ss, sorted by name.", d.noun),
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "ID."},
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "Name."},
					"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Description, when the API gives one."},
				}},
			},
			"ids_by_name": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Map from %s name to ID, for lookups such as %s.", d.noun, d.example),
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

// readCatalog is the Read of a catalogue data source.
func (b *dataSourceBase) readCatalog(ctx context.Context, d catalogKind, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m catalogModel
	accountID, ok := b.begin(ctx, req, resp, &m)
	if !ok {
		return
	}
	entries, err := d.list(ctx, b.pd.client, accountID)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot list the %ss of account %s", d.noun, accountID), err)
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })

	m.ID = types.StringValue(accountID)
	if name := m.Name.ValueString(); !m.Name.IsNull() {
		var matched []catalogEntry
		for _, e := range entries {
			if e.Name == name {
				matched = append(matched, e)
			}
		}
		if len(matched) != 1 {
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				names = append(names, fmt.Sprintf("%q", e.Name))
			}
			what := "No " + d.noun + " is named"
			if len(matched) > 1 {
				what = fmt.Sprintf("%d %ss are named", len(matched), d.noun)
			}
			resp.Diagnostics.AddAttributeError(path.Root("name"), fmt.Sprintf("%s lookup found %d matches", d.noun, len(matched)),
				fmt.Sprintf("%s %q in account %s. Names are exact and case-sensitive. Available: %s.", what, name, accountID, strings.Join(names, ", ")))
			return
		}
		entries = matched
		m.ID = types.StringValue(matched[0].ID)
	}

	items := make([]attr.Value, 0, len(entries))
	byName := make(map[string]attr.Value, len(entries))
	for _, e := range entries {
		items = append(items, types.ObjectValueMust(catalogItemType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(e.ID), "name": types.StringValue(e.Name), "description": types.StringValue(e.Description),
		}))
		byName[e.Name] = types.StringValue(e.ID)
	}
	m.Items = types.ListValueMust(catalogItemType, items)
	m.IDsByName = types.MapValueMust(types.StringType, byName)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
