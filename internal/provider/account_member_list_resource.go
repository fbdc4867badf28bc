package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

var _ list.ListResourceWithConfigure = (*accountMemberListResource)(nil)

// NewAccountMemberListResource lists the members of an account for `terraform query`.
func NewAccountMemberListResource() list.ListResource { return &accountMemberListResource{} }

type accountMemberListResource struct{ listBase }

type accountMemberListModel struct {
	AccountID     types.String `tfsdk:"account_id"`
	EmailContains types.String `tfsdk:"email_contains"`
	Status        types.String `tfsdk:"status"`
}

func (l *accountMemberListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member"
}

func (l *accountMemberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every member of the account, read across all pages, for `terraform query` (Terraform 1.14+): " +
			"each result is an `iam_account_member` with its identity, ready to import.",
		Attributes: map[string]schema.Attribute{
			"account_id": accountIDListAttribute(),
			"email_contains": schema.StringAttribute{
				MarkdownDescription: "Only members whose email contains this text (case-insensitive). The API has no email " +
					"filter, so every page is still read.",
				Optional: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only members with this status: `pending`, `accepted` or `rejected` (filtered by the API).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("pending", "accepted", "rejected")},
			},
		},
	}
}

func (l *accountMemberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg accountMemberListModel
	accountID, ok := l.begin(ctx, req, stream, &cfg)
	if !ok {
		return
	}
	members := l.pd.client.Members.List(ctx, accountID, client.MemberListOptions{Status: cfg.Status.ValueString()})
	var keep func(client.Member) bool
	if sub := strings.ToLower(cfg.EmailContains.ValueString()); sub != "" {
		keep = func(m client.Member) bool { return strings.Contains(strings.ToLower(m.Email), sub) }
	}
	stream.Results = streamList(members, req.Limit, keep, func(mem client.Member, result *list.ListResult) {
		*result = req.NewListResult(ctx)
		result.DisplayName = mem.Email + " (" + mem.Status + ")"
		result.Diagnostics.Append(memberIdentity.set(ctx, result.Identity, accountID, mem.ID)...)
		if req.IncludeResource {
			m := accountMemberModel{
				Roles:    idSetNull(),
				Policies: types.SetNull(types.ObjectType{AttrTypes: policyAttrTypes}),
			}
			m.apply(accountID, &mem, false)
			if mem.Status == "rejected" {
				// A declined invitation cannot be configured (status takes pending or accepted): leave
				// status out, so that generated configuration is valid and keeps the imported value.
				m.Status = types.StringNull()
			}
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	}, "Cannot list the members of account "+accountID)
}
