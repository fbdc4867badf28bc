package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var _ list.ListResourceWithConfigure = (*userGroupListResource)(nil)

// NewUserGroupListResource lists the groups of an account for `terraform query`.
func NewUserGroupListResource() list.ListResource { return &userGroupListResource{} }

type userGroupListResource struct{ listBase }

type userGroupListModel struct {
	AccountID    types.String `tfsdk:"account_id"`
	NameContains types.String `tfsdk:"name_contains"`
}

func (l *userGroupListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_group"
}

func (l *userGroupListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every user group of the account, read across all pages, for `terraform query` (Terraform 1.14+): " +
			"each result is an `iam_user_group` with its identity, ready to import.",
		Attributes: map[string]schema.Attribute{
			"account_id": accountIDListAttribute(),
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "Only groups whose name contains this text (case-insensitive; filtered by the API).",
				Optional:            true,
			},
		},
	}
}

func (l *userGroupListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg userGroupListModel
	accountID, ok := l.begin(ctx, req, stream, &cfg)
	if !ok {
		return
	}
	groups := l.pd.client.UserGroups.List(ctx, accountID, client.UserGroupListOptions{FuzzyName: cfg.NameContains.ValueString()})
	stream.Results = streamList(groups, req.Limit, nil, func(g client.UserGroup, result *list.ListResult) {
		*result = req.NewListResult(ctx)
		result.DisplayName = g.Name
		result.Diagnostics.Append(groupIdentity.set(ctx, result.Identity, accountID, g.ID)...)
		if req.IncludeResource {
			m := userGroupModel{Policies: types.SetNull(types.ObjectType{AttrTypes: policyAttrTypes})}
			m.apply(accountID, &g)
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	}, "Cannot list the user groups of account "+accountID)
}
