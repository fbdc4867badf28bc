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
)

// catalogEntry is one item of a read-only catalogue of the account (a role, a permission group).
type catalogEntry struct {
	ID          string
	Name        string
	Description string
}

// catalogKind is one of the account's read-only catalogues: what it is called and how it is listed
// (every page). Its data source (roles_data_source.go, permission_groups_data_source.go,
// resource_groups_data_source.go, clickhouse_roles_data_source.go: each with its own type) builds
// its schema with catalogSchema and reads with readCatalog; the plan-time ID checks
// (plan_checks.go) share the kind.
type catalogKind struct {
	typeSuffix string // "roles": the data source is iam_roles
	noun       string // "role"
	list       func(ctx context.Context, pd *providerData, scopeID string) ([]catalogEntry, error)
	// owner names what holds the catalogue in errors: "Account" (default) or "Organization".
	owner string
	// example is an ids_by_name lookup for the docs, e.g. `ids_by_name["Administrator"]`.
	example string
}

var catalogItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "description": types.StringType,
}}

// catalogSchema is the schema of a catalogue data source: lookup by name, every item, and a map
// from name to ID.
func catalogSchema(d catalogKind) schema.Schema {
	owner, attr, scopeValidator := "account", "account_id", accountIDValidator()
	if d.organization() {
		owner, attr, scopeValidator = "organization", "organization_id", organizationIDValidator()
	}
	return schema.Schema{
		MarkdownDescription: fmt.Sprintf("Looks up the %s's %ss, %s, so that configurations refer to a %s by name "+
			"instead of hard-coding its ID. With `name`, exactly one %s must match.", owner, d.noun, d.listingDoc(), d.noun, d.noun),
		Attributes: map[string]schema.Attribute{
			attr: schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("%s to read. Defaults to the provider's `%s`.", strings.ToUpper(owner[:1])+owner[1:], attr),
				Optional:            true,
				Validators:          []validator.String{scopeValidator},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Exact name of one %s; when set, `id` is its ID and `items` holds only it. "+
					"No match is an error that lists the names available.", d.noun),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The ID of the %s named by `name`; the %s ID when `name` is not set.", d.noun, owner),
				Computed:            true,
			},
			"items": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The %ss, sorted by name.", d.noun),
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "ID."},
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "Name."},
					"description": schema.StringAttribute{Computed: true, MarkdownDescription: d.descriptionDoc()},
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

// organization reports whether the catalogue belongs to a ClickHouse organization.
func (k catalogKind) organization() bool { return k.owner == "Organization" }

func (k catalogKind) listingDoc() string {
	if k.organization() {
		return "system and custom ones, in one request"
	}
	return "every page of them"
}

func (k catalogKind) descriptionDoc() string {
	if k.organization() {
		return "`system` or `custom`."
	}
	return "Description, when the API gives one."
}

// readCatalog is the Read of a catalogue data source.
func (b *dataSourceBase) readCatalog(ctx context.Context, d catalogKind, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if b.pd == nil {
		return
	}
	scopeAttr, owner := "account_id", "account"
	if d.organization() {
		scopeAttr, owner = "organization_id", "organization"
	}
	var own, nameAttr types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(scopeAttr), &own)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &nameAttr)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var accountID string
	if d.organization() {
		accountID = b.pd.resolveOrganizationID(own, &resp.Diagnostics)
	} else {
		accountID = b.pd.resolveAccountID(own, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	entries, err := d.list(ctx, b.pd, accountID)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot list the %ss of %s %s", d.noun, owner, accountID), err)
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })

	id := types.StringValue(accountID)
	if name := nameAttr.ValueString(); !nameAttr.IsNull() {
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
				b.pd.mask(fmt.Sprintf("%s %q in %s %s. Names are exact and case-sensitive. Available: %s.", what, name, owner, accountID, strings.Join(names, ", "))))
			return
		}
		entries = matched
		id = types.StringValue(matched[0].ID)
	}

	items := make([]attr.Value, 0, len(entries))
	byName := make(map[string]attr.Value, len(entries))
	for _, e := range entries {
		items = append(items, types.ObjectValueMust(catalogItemType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(e.ID), "name": types.StringValue(e.Name), "description": types.StringValue(e.Description),
		}))
		byName[e.Name] = types.StringValue(e.ID)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(scopeAttr), types.StringValue(accountID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), nameAttr)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("items"), types.ListValueMust(catalogItemType, items))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ids_by_name"), types.MapValueMust(types.StringType, byName))...)
}
