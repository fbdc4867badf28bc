package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamkit/terraform-provider-iam/internal/client"
)

// iam_account_members manages many people of one account in one Terraform resource: a map keyed
// by email whose values hold what iam_account_member holds. Terraform's own cost per resource
// (plan, apply and destroy walk every resource instance) is what makes thousands of
// iam_account_member slow; one map costs Terraform one object. The API still gets one write per
// person (POST, PUT or DELETE), sent concurrently through the client's shared rate limiter, and a
// refresh is one paged listing of the account (read cache), whatever the number of people.
//
// The map is a framework map of objects: its equality, validation and plan modification are one
// pass over the keys (no set of objects, whose handling compares every element with every other).

var (
	_ resource.ResourceWithImportState    = (*accountMembersResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*accountMembersResource)(nil)
	_ resource.ResourceWithValidateConfig = (*accountMembersResource)(nil)
	_ resource.ResourceWithConfigure      = (*accountMembersResource)(nil)
)

// NewAccountMembersResource is the iam_account_members resource.
func NewAccountMembersResource() resource.Resource { return &accountMembersResource{} }

type accountMembersResource struct{ pd *providerData }

type bulkMembersModel struct {
	ID              types.String `tfsdk:"id"`
	AccountID       types.String `tfsdk:"account_id"`
	Exclusive       types.Bool   `tfsdk:"exclusive"`
	Members         types.Map    `tfsdk:"members"`
	MembersToRemove idSet        `tfsdk:"members_to_remove"`
}

// bulkMember is one value of the members map.
type bulkMember struct {
	ID       types.String `tfsdk:"id"`
	Roles    idSet        `tfsdk:"roles"`
	Policies types.Set    `tfsdk:"policies"`
	Status   types.String `tfsdk:"status"`
}

var bulkMemberAttrTypes = map[string]attr.Type{
	"id":       types.StringType,
	"roles":    idSetOfStrings,
	"policies": types.SetType{ElemType: types.ObjectType{AttrTypes: policyAttrTypes}},
	"status":   types.StringType,
}

func (m bulkMember) value() attr.Value {
	return types.ObjectValueMust(bulkMemberAttrTypes, map[string]attr.Value{
		"id": m.ID, "roles": m.Roles, "policies": m.Policies, "status": m.Status,
	})
}

// sameAccess reports whether two values grant the same roles or policies (what a PUT changes).
func (m bulkMember) sameAccess(o bulkMember) bool {
	return m.Roles.Equal(o.Roles) && m.Policies.Equal(o.Policies)
}

// importPrivateKey marks a state made by ImportState: its next plan adopts the configured members
// that are already in the account instead of refusing them.
const importPrivateKey = "adopt_existing"

// bulkWriters is how many writes run at once. The client's shared limiter decides the rate; this
// only keeps enough requests in flight that the limiter, not the round trip, is the bound.
const bulkWriters = 16

func (r *accountMembersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_members"
}

func (r *accountMembersResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Many members of one account in one resource: a map keyed by email whose values hold what " +
			"`iam_account_member` holds. Made for accounts with hundreds or thousands of people (HR-fed lists, SSO exports), " +
			"where one Terraform resource per person makes every plan and apply slow. Additive by default: members of the " +
			"account that are not in the map are never touched or shown; `exclusive = true` removes everyone else, and the " +
			"plan names each of them by email.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The account ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Account of the members; defaults to the provider's `account_id`. Changing it replaces the resource.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{accountIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"exclusive": schema.BoolAttribute{
				MarkdownDescription: "`false` (default): only the members in `members` are managed; the account's other members are " +
					"never read into the plan, changed or removed. `true`: `members` is the account's whole membership, and " +
					"everyone else is removed; the plan lists them by email in `members_to_remove` and in a warning, and refuses " +
					"to remove the account's last Super Administrator.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"members": schema.MapNestedAttribute{
				MarkdownDescription: "The members, keyed by email. Emails are compared without regard to letter case: two keys that " +
					"differ only in case fail at plan, and changing only the case of a key sends no request. Each value holds " +
					"exactly one of `roles` and `policies`, and optionally `status`.",
				Required:   true,
				Validators: []validator.Map{mapvalidator.KeysAre(emailValidator{})},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{
						MarkdownDescription: "The member's ID, issued by the API (for example for `iam_user_group_membership`).",
						Computed:            true,
					},
					"roles": schema.SetAttribute{
						MarkdownDescription: "IDs of account roles (look them up with the `iam_roles` data source). Exactly one of `roles` and `policies`.",
						Optional:            true,
						ElementType:         types.StringType,
						CustomType:          idSetOfStrings,
						Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(hexIDValidator("a role ID"))},
					},
					"policies": policiesSchema("the member"),
					"status": schema.StringAttribute{
						MarkdownDescription: "As in `iam_account_member`: `pending` (default) sends an invitation, `accepted` adds the " +
							"user directly where the account is entitled to it. An invitation accepted later stays `pending` in state: it is not drift.",
						Optional:   true,
						Computed:   true,
						Validators: []validator.String{stringvalidator.OneOf("pending", "accepted")},
					},
				}},
			},
			"members_to_remove": schema.SetAttribute{
				MarkdownDescription: "Computed at plan when `exclusive = true`: the emails of the account's members that this resource " +
					"does not manage and that the apply removes. Empty otherwise. Review it in the plan.",
				Computed:    true,
				ElementType: types.StringType,
				CustomType:  idSetOfStrings,
			},
		},
	}
}

func (r *accountMembersResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return nil
}

func (r *accountMembersResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// bulkMembers reads a members map into Go, keyed as in the configuration.
func bulkMembers(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]bulkMember {
	out := map[string]bulkMember{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// bulkMap is the members map value of members.
func bulkMap(members map[string]bulkMember) types.Map {
	elems := make(map[string]attr.Value, len(members))
	for k, m := range members {
		elems[k] = m.value()
	}
	return types.MapValueMust(types.ObjectType{AttrTypes: bulkMemberAttrTypes}, elems)
}

// byEmail indexes members by lowercase email.
func byEmail(members map[string]bulkMember) map[string]string {
	out := make(map[string]string, len(members))
	for k := range members {
		out[strings.ToLower(k)] = k
	}
	return out
}

// fromAPI is a member's value as the API reports it, keeping the prior value's shape (roles or
// policies, a pending status whose invitation was accepted since).
func (m bulkMember) fromAPI(mem *client.Member) bulkMember {
	out := m
	out.ID = types.StringValue(mem.ID)
	if len(mem.Roles) > 0 || !m.Roles.IsNull() {
		ids := make([]string, 0, len(mem.Roles))
		for _, r := range mem.Roles {
			ids = append(ids, r.ID)
		}
		out.Roles = idSetOf(ids)
		if len(ids) == 0 {
			out.Roles = idSetNull()
		}
	}
	out.Policies = policiesFromAPI(m.Policies, mem.Policies)
	if m.Status.ValueString() != "pending" || mem.Status != "accepted" {
		out.Status = types.StringValue(mem.Status)
	}
	return out
}

func (r *accountMembersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bulkMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	members := bulkMembers(ctx, state.Members, &resp.Diagnostics)
	// One paged listing of the account answers every member (the read cache shares it with the
	// other resources of the run); a handful of members are read one GET each instead, so a small
	// map in a large account does not cost a listing.
	var live map[string]client.Member
	if len(members) > directReadsBeforeListing {
		var err error
		if live, err = r.pd.cache.AllMembers(ctx, r.pd.client, accountID); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot read the members of account "+accountID, err)
			return
		}
	}
	for key, m := range members {
		if m.ID.ValueString() == "" { // a placeholder of a create that failed: never created
			delete(members, key)
			continue
		}
		var mem client.Member
		var err error
		if live != nil {
			got, ok := live[m.ID.ValueString()]
			mem, err = got, nil
			if !ok {
				err = client.ErrNotFound
			}
		} else {
			var got *client.Member
			if got, err = r.pd.cache.Member(ctx, r.pd.client, accountID, m.ID.ValueString()); err == nil {
				mem = *got
			}
		}
		if errors.Is(err, client.ErrNotFound) {
			// Missing: confirmed with one GET before it is dropped (a listing can shift between
			// pages while someone else writes), and only the API's own "not found" drops it; the
			// next plan then adds the member again.
			var got *client.Member
			got, err = r.pd.client.Members.Get(ctx, accountID, m.ID.ValueString())
			if errors.Is(err, client.ErrNotFound) {
				delete(members, key)
				continue
			}
			if err == nil {
				mem = *got
			}
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Cannot read account member "+key, err)
			return
		}
		members[key] = m.fromAPI(&mem)
	}
	state.Members = bulkMap(members)
	state.ID = types.StringValue(accountID)
	state.AccountID = types.StringValue(accountID)
	state.MembersToRemove = idSetOf(nil) // the names of the last apply's removals, cleared by the refresh
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *accountMembersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bulkMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A create that fails part-way cannot report an error: Terraform taints a new resource whose
	// create reported one, and its next plan would replace it, removing everyone it did add. So
	// the failures are warnings that name each person; the state records who was added, plus a
	// placeholder with an empty id for each person who was not (the planned map must come back
	// whole), which the next refresh drops, so that the next plan adds them again.
	var writeDiags diag.Diagnostics
	state := r.write(ctx, plan, nil, false, &writeDiags)
	failed := 0
	for _, d := range writeDiags {
		if d.Severity() == diag.SeverityError {
			failed++
			resp.Diagnostics.AddWarning(d.Summary(), d.Detail())
		} else {
			resp.Diagnostics.Append(d)
		}
	}
	if state == nil {
		resp.Diagnostics.Append(writeDiags.Errors()...)
		return
	}
	if failed > 0 {
		planned := bulkMembers(ctx, plan.Members, &resp.Diagnostics)
		done := bulkMembers(ctx, state.Members, &resp.Diagnostics)
		for key, m := range planned {
			if _, ok := done[key]; !ok {
				m.ID = types.StringValue("")
				if m.Status.IsUnknown() || m.Status.IsNull() {
					m.Status = types.StringValue("pending")
				}
				done[key] = m
			}
		}
		state.Members = bulkMap(done)
		resp.Diagnostics.AddWarning("Account Members Not All Added",
			fmt.Sprintf("%d write(s) failed (see the warnings above, each names the person). The members that were added are "+
				"recorded in the state; the others are recorded with an empty `id` until the next refresh. Run `terraform apply` "+
				"again: its plan adds them.", failed))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *accountMembersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior bulkMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	adopt, _ := req.Private.GetKey(ctx, importPrivateKey)
	state := r.write(ctx, plan, &prior, adopt != nil, &resp.Diagnostics)
	if state != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
	if adopt != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importPrivateKey, nil)...)
	}
}

// bulkFailure is one write that failed.
type bulkFailure struct {
	email   string
	summary string // "Cannot add account member jane@example.com"
	err     error
}

// bulkWrite is one apply's writes: they run concurrently and record what succeeded.
type bulkWrite struct {
	r         *accountMembersResource
	accountID string
	mu        sync.Mutex
	result    map[string]bulkMember // the state to record, by key
	failures  []bulkFailure
	jobs      []func(context.Context)
}

func (w *bulkWrite) record(key string, m bulkMember) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.result[key] = m
}

func (w *bulkWrite) fail(email, summary string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failures = append(w.failures, bulkFailure{email, summary, err})
}

// remove deletes a member; key is its key in the state ("" for a member the resource does not
// manage), which is dropped from the result once the DELETE succeeded (or found it gone).
func (w *bulkWrite) remove(key, email, id string) {
	w.jobs = append(w.jobs, func(ctx context.Context) {
		err := w.r.pd.client.Members.Delete(ctx, w.accountID, id)
		if err != nil && !errors.Is(err, client.ErrNotFound) {
			w.fail(email, "Cannot remove account member "+email, err)
			return
		}
		w.r.pd.cache.presence.note(w.accountID, true, email, "")
		if key != "" {
			w.mu.Lock()
			delete(w.result, key)
			w.mu.Unlock()
		}
	})
}

// update sends want's roles or policies to the member want.ID and records want once that succeeded.
func (w *bulkWrite) update(key string, want bulkMember) {
	w.jobs = append(w.jobs, func(ctx context.Context) {
		in, d := updateInput(ctx, want)
		if d.HasError() {
			w.fail(key, "Cannot update account member "+key, errors.New(d[0].Detail()))
			return
		}
		if _, err := w.r.pd.client.Members.Update(ctx, w.accountID, want.ID.ValueString(), in); err != nil {
			w.fail(key, "Cannot update account member "+key, err)
			return
		}
		w.record(key, want)
	})
}

// create invites (or adds) the member key and records it with its new ID. The client's create
// reconciliation adopts nothing it cannot prove came from this request (see createGuard).
func (w *bulkWrite) create(key string, want bulkMember) {
	w.jobs = append(w.jobs, func(ctx context.Context) {
		in := client.MemberCreate{Email: key, Status: want.Status.ValueString()}
		var d diag.Diagnostics
		if !want.Policies.IsNull() {
			in.Policies = policiesToInput(ctx, want.Policies, &d)
		} else {
			in.Roles = memberIDs(ctx, want.Roles, &d)
		}
		if d.HasError() {
			w.fail(key, "Cannot add account member "+key, errors.New(d[0].Detail()))
			return
		}
		in.Guard = w.r.pd.createGuard(ctx, w.accountID, true, key)
		mem, err := w.r.pd.client.Members.Create(ctx, w.accountID, in)
		if err != nil {
			w.fail(key, "Cannot add account member "+key, err)
			return
		}
		w.r.pd.cache.NoteCreated(mem.ID)
		w.r.pd.cache.presence.note(w.accountID, true, key, mem.ID)
		want.ID = types.StringValue(mem.ID)
		w.record(key, want)
	})
}

// run sends every write, within the client's shared limiter, and reports the failures.
func (w *bulkWrite) run(ctx context.Context, diags *diag.Diagnostics) {
	runConcurrently(ctx, w.jobs, bulkWriters)
	if len(w.jobs) > 0 {
		w.r.pd.cache.InvalidateMembers(w.accountID)
	}
	reportFailures(diags, w.accountID, w.failures)
}

// write makes the account hold plan's members: one POST per new person, one PUT per person whose
// roles or policies changed, one DELETE per person removed from the map and (exclusive) per
// person named in members_to_remove, all concurrently within the shared limiter. It returns the
// state to record: what succeeded, prior values where a write failed, so that a partial failure
// loses nothing and the next apply finishes the rest without duplicates. Failures are errors in diags.
func (r *accountMembersResource) write(ctx context.Context, plan bulkMembersModel, prior *bulkMembersModel, adopt bool, diags *diag.Diagnostics) *bulkMembersModel {
	accountID := r.pd.resolveAccountID(plan.AccountID, diags)
	if diags.HasError() {
		return nil
	}
	planned := bulkMembers(ctx, plan.Members, diags)
	old := map[string]bulkMember{}
	if prior != nil {
		old = bulkMembers(ctx, prior.Members, diags)
	}
	if diags.HasError() {
		return nil
	}
	oldByEmail, plannedByEmail := byEmail(old), byEmail(planned)
	w := &bulkWrite{r: r, accountID: accountID, result: make(map[string]bulkMember, len(planned))}

	// The account as it is now, when new people or exclusive removals need it: a new person
	// already in it is adopted only after an import (the plan said so), else refused; the plan's
	// named removals are resolved from email to ID.
	liveByEmail := map[string]client.Member{}
	needLive := adopt || plan.Exclusive.ValueBool()
	for k := range planned {
		if _, ok := oldByEmail[strings.ToLower(k)]; !ok {
			needLive = true
			break
		}
	}
	if needLive {
		live, err := r.pd.cache.AllMembers(ctx, r.pd.client, accountID)
		if err != nil {
			addAPIError(diags, "Cannot read the members of account "+accountID, err)
			return nil
		}
		for _, m := range live {
			liveByEmail[strings.ToLower(m.Email)] = m
		}
	}

	// Managed members gone from the map: they stay in the state until their DELETE succeeds.
	managedIDs := map[string]bool{}
	for key, m := range old {
		managedIDs[m.ID.ValueString()] = true
		if _, keep := plannedByEmail[strings.ToLower(key)]; !keep {
			w.result[key] = m
			w.remove(key, key, m.ID.ValueString())
		}
	}
	// Exclusive: members the resource does not manage, only those the plan named.
	if plan.Exclusive.ValueBool() {
		named := map[string]bool{}
		for _, e := range knownStrings(plan.MembersToRemove) {
			named[strings.ToLower(e)] = true
		}
		var strangers []string
		for email, m := range liveByEmail {
			if _, ok := plannedByEmail[email]; ok || managedIDs[m.ID] {
				continue
			}
			if named[email] {
				w.remove("", m.Email, m.ID)
			} else {
				strangers = append(strangers, m.Email)
			}
		}
		if len(strangers) > 0 {
			sort.Strings(strangers)
			diags.AddAttributeWarning(path.Root("members"), "Account Members Added Since The Plan Were Left Alone",
				fmt.Sprintf("%d member(s) joined account %s after the plan was made and were not removed, because the plan did not name "+
					"them: %s. The next plan names them in `members_to_remove`.", len(strangers), accountID, listNames(strangers)))
		}
	}

	for key, want := range planned {
		if okey, ok := oldByEmail[strings.ToLower(key)]; ok {
			have := old[okey]
			want.ID = have.ID
			if want.Status.IsUnknown() || want.Status.IsNull() {
				want.Status = have.Status
			}
			if want.sameAccess(have) {
				w.result[key] = want // unchanged, or only the key's letter case or the status: nothing to send
			} else {
				w.result[key] = have // until the PUT succeeds
				w.update(key, want)
			}
			continue
		}
		if want.Status.IsUnknown() || want.Status.IsNull() {
			want.Status = types.StringValue("pending")
		}
		mem, exists := liveByEmail[strings.ToLower(key)]
		switch {
		case exists && adopt: // adopted by an import, as its plan showed; access set to the configured one
			want.ID = types.StringValue(mem.ID)
			if want.sameAccess(want.fromAPI(&mem)) {
				w.result[key] = want
			} else {
				w.update(key, want)
			}
		case exists:
			w.fail(key, "Account Member Already Exists", client.ErrAlreadyExists)
		default:
			w.create(key, want)
		}
	}
	w.run(ctx, diags)

	state := plan
	state.ID = types.StringValue(accountID)
	state.AccountID = types.StringValue(accountID)
	state.Members = bulkMap(w.result)
	if state.MembersToRemove.IsUnknown() || state.MembersToRemove.IsNull() {
		state.MembersToRemove = idSetOf(nil)
	}
	return &state
}

// updateInput is the PUT body of a member's planned access.
func updateInput(ctx context.Context, m bulkMember) (client.MemberUpdate, diag.Diagnostics) {
	var d diag.Diagnostics
	var in client.MemberUpdate
	if !m.Policies.IsNull() {
		in.Policies = policiesToInput(ctx, m.Policies, &d)
	} else {
		in.Roles = memberIDs(ctx, m.Roles, &d)
	}
	return in, d
}

// maxFailureDiagnostics is how many failed writes get a diagnostic each; the rest are named in one.
const maxFailureDiagnostics = 20

// reportFailures adds one error per failed write (through the one error-to-diagnostic mapping;
// a create that found the email taken gets the import hint), and one more naming the rest when
// there are many.
func reportFailures(diags *diag.Diagnostics, accountID string, failures []bulkFailure) {
	sort.Slice(failures, func(i, j int) bool { return failures[i].email < failures[j].email })
	for i, f := range failures {
		if i == maxFailureDiagnostics {
			var rest []string
			for _, g := range failures[i:] {
				rest = append(rest, g.summary)
			}
			diags.AddError("Account Member Writes Failed", fmt.Sprintf("%d more write(s) failed:\n  - %s\n\nWhat succeeded is "+
				"recorded in the state; the next apply retries the rest.", len(rest), strings.Join(rest, "\n  - ")))
			return
		}
		if errors.Is(f.err, client.ErrAlreadyExists) || errors.Is(f.err, client.ErrNotAdopted) {
			addCreateConflict(diags, path.Root("members").AtMapKey(f.email), "Account Member Already Exists", accountID,
				"a member with email "+f.email+" that this resource did not create (an import of iam_account_members adopts the "+
					"members its configuration lists)", accountID, f.err)
			continue
		}
		addAPIError(diags, f.summary, f.err)
	}
}

// runConcurrently runs jobs with at most n at a time and waits for all of them.
func runConcurrently(ctx context.Context, jobs []func(context.Context), n int) {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			job(ctx)
		}()
	}
	wg.Wait()
}

// listNames joins at most removalsListed names and counts the rest.
func listNames(names []string) string {
	s := strings.Join(names[:min(len(names), removalsListed)], ", ")
	if len(names) > removalsListed {
		s += fmt.Sprintf(" and %d more", len(names)-removalsListed)
	}
	return s
}

// Delete removes every member the resource manages (never the account's other members) with one
// DELETE each. When some fail, the state keeps exactly those, so nothing is forgotten.
func (r *accountMembersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bulkMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	accountID := r.pd.resolveAccountID(state.AccountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	members := bulkMembers(ctx, state.Members, &resp.Diagnostics)
	w := &bulkWrite{r: r, accountID: accountID, result: members}
	for key, m := range members {
		if m.ID.ValueString() == "" {
			delete(members, key)
			continue
		}
		w.remove(key, key, m.ID.ValueString())
	}
	w.run(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		state.Members = bulkMap(w.result)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// ImportState takes the account ID. The state starts with no members and a private mark; the plan
// that follows adopts the configured members already in the account (and, with exclusive = true,
// names everyone else for removal), so an import never takes in people the configuration does not list.
func (r *accountMembersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !accountIDPattern.MatchString(id) {
		resp.Diagnostics.AddError("Cannot import "+req.ID, fmt.Sprintf("Expected the account ID (32 lowercase hex characters); got %q. "+
			"The import adopts the members that the configuration lists.", req.ID))
		return
	}
	if r.pd != nil && !r.pd.requireCloudflare(&resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &bulkMembersModel{
		ID: types.StringValue(id), AccountID: types.StringValue(id), Exclusive: types.BoolValue(false),
		Members: bulkMap(nil), MembersToRemove: idSetOf(nil),
	})...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importPrivateKey, []byte(`true`))...)
}
