package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var _ list.ListResourceWithConfigure = (*membershipListResource)(nil)

// NewUserGroupMembershipListResource lists one membership per group for `terraform query`.
func NewUserGroupMembershipListResource() list.ListResource { return &membershipListResource{} }

type membershipListResource struct{ listBase }

func (l *membershipListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_group_membership"
}

func (l *membershipListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of every user group of the account, for `terraform query` (Terraform 1.14+): " +
			"one authoritative `iam_user_group_membership` per group (empty groups too), ready to import. With " +
			"`include_resource` (and so with `-generate-config-out`), each group's members are read across all pages: " +
			"one more paged read per group.",
		Attributes: map[string]schema.Attribute{
			"account_id": accountIDListAttribute(),
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "Only the groups whose name contains this text (case-insensitive; filtered by the API).",
				Optional:            true,
			},
		},
	}
}

func (l *membershipListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg userGroupListModel // the same arguments as the groups' list
	accountID, ok := l.begin(ctx, req, stream, &cfg)
	if !ok {
		return
	}
	groups := l.pd.client.UserGroups.List(ctx, accountID, client.UserGroupListOptions{FuzzyName: cfg.NameContains.ValueString()})
	stream.Results = streamList(groups, req.Limit, nil, func(g client.UserGroup, result *list.ListResult) {
		*result = req.NewListResult(ctx)
		result.DisplayName = "members of " + g.Name
		result.Diagnostics.Append(membershipIdentity.set(ctx, result.Identity, accountID, g.ID)...)
		if !req.IncludeResource {
			return
		}
		members, err := l.pd.client.GroupMembers.ListAll(ctx, accountID, g.ID)
		if err != nil { // never an empty set: adopting it would empty the group
			addAPIError(&result.Diagnostics, "Cannot read the members of user group "+g.ID, err)
			return
		}
		ids := make([]string, 0, len(members))
		for _, m := range members {
			ids = append(ids, m.ID)
		}
		m := membershipModel{
			ID: types.StringValue(g.ID), AccountID: types.StringValue(accountID), UserGroupID: types.StringValue(g.ID),
			Members: idSetOf(ids), Exclusive: types.BoolValue(true),
			ToRemove: idSetOf(nil).SetValue, // as Read leaves it
		}
		result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	}, "Cannot list the user groups of account "+accountID)
}
