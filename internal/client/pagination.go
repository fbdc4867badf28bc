package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maxPages guards against an API that never stops paging and says nothing about its size.
const maxPages = 100000

// listAttempts is how many times an inconsistent listing is read from the start before that is an
// error: a total_count that changed between pages means someone else wrote to the account
// meanwhile, and a damaged page may be a passing fault of a proxy; a server that keeps lying costs
// at most this many reads.
const listAttempts = 3

// listed is an object of a listing: pages are checked, and repeats removed, by its ID.
type listed interface{ listingID() string }

// RepeatedWarning is what a listing yields, after its objects, when the API listed some object more
// than once (a member twice in a group): each object is yielded once, and the warning says which
// ones were repeated, so that the user learns the API did it, not their configuration. It is not an
// error: Collect drops it (after logging it); CollectWarnings returns it.
type RepeatedWarning struct {
	Path string
	IDs  []string
}

func (w *RepeatedWarning) Error() string {
	return fmt.Sprintf("GET %s listed %s more than once; each is counted once", w.Path, strings.Join(w.IDs, ", "))
}

// listingError is an inconsistent listing: never a shorter truth.
type listingError struct {
	Path   string
	Page   int
	Reason string
}

func (e *listingError) Error() string {
	return fmt.Sprintf("GET %s (page %d): inconsistent listing: %s. Nothing was taken from it: a listing with objects "+
		"missing would make a plan create or remove objects that exist", e.Path, e.Page, e.Reason)
}
func (e *listingError) Unwrap() error { return ErrInconsistentListing }

// list reads every page of a list endpoint as one sequence: callers never see a page boundary. The
// whole listing is read and checked before the first object is yielded, because the API's pages are
// not trusted:
//   - with result_info.total_count, paging stops once that many objects were listed (whatever
//     total_pages says, so a server that claims 100000 pages costs no more requests than the count
//     allows); an empty page, or reaching total_pages, before that is an error, and so is a listing
//     with more objects than the count;
//   - a page whose result is null or missing, not a list, is an error;
//   - an inconsistent listing is read again from page 1, up to listAttempts times (a total_count
//     that changes between pages means the account changed while it was read);
//   - without total_count, paging follows total_pages and otherwise stops at the first short page;
//   - a page whose objects all came on earlier pages (a server that repeats page 1) is an error;
//   - an object listed twice is yielded once, followed by a *RepeatedWarning.
//
// An error ends the sequence with that error: a partial listing is never passed off as complete.
func list[T listed](ctx context.Context, c *Client, path string, query url.Values, perPage int, opts ...RequestOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var (
			items    []T
			repeated []string
			err      error
		)
		for attempt := 1; attempt <= listAttempts; attempt++ {
			items, repeated, err = readPages[T](ctx, c, path, query, perPage, opts)
			var le *listingError
			if !errors.As(err, &le) {
				break
			}
			tflog.SubsystemWarn(ctx, logSubsystem, "inconsistent listing; reading it again",
				map[string]any{"path": path, "attempt": attempt, "reason": le.Reason})
		}
		if err != nil {
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		if len(repeated) > 0 {
			w := &RepeatedWarning{Path: path, IDs: repeated}
			tflog.SubsystemWarn(ctx, logSubsystem, w.Error())
			yield(zero, w)
		}
	}
}

// readPages reads and checks one listing from page 1: its objects once each, the IDs that came
// more than once, or an error.
func readPages[T listed](ctx context.Context, c *Client, path string, query url.Values, perPage int, opts []RequestOption) ([]T, []string, error) {
	var (
		items    []T
		repeated []string
		seen     = map[string]bool{}
		listed   = 0  // objects on the pages so far, repeats included
		total    = -1 // total_count of page 1; -1 when the API does not say
	)
	for page := 1; ; page++ {
		fail := func(format string, args ...any) ([]T, []string, error) {
			return nil, nil, &listingError{Path: path, Page: page, Reason: fmt.Sprintf(format, args...)}
		}
		if page > maxPages || (total >= 0 && page > total+1) {
			return fail("still no end after %d pages", page-1)
		}
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(perPage))
		var batch []T
		info, err := c.do(ctx, http.MethodGet, path, q, nil, &batch, opts...)
		if err != nil {
			return nil, nil, err
		}
		if batch == nil {
			return fail("the result is null or missing, not a list")
		}
		var pageTotal, totalPages = -1, -1
		if info != nil && info.TotalCount != nil {
			pageTotal = *info.TotalCount
		}
		if info != nil && info.TotalPages != nil {
			totalPages = *info.TotalPages
		}
		switch {
		case page == 1:
			total = pageTotal
		case pageTotal != total:
			return fail("total_count was %d on page 1 and is %d on page %d", total, pageTotal, page)
		}

		fresh := 0
		for _, it := range batch {
			id := it.listingID()
			if seen[id] {
				if !slices.Contains(repeated, id) {
					repeated = append(repeated, id)
				}
				continue
			}
			seen[id] = true
			fresh++
			items = append(items, it)
		}
		listed += len(batch)
		if len(batch) > 0 && fresh == 0 {
			return fail("page %d lists only objects of earlier pages (the pages make no progress)", page)
		}

		if total >= 0 {
			switch {
			case listed >= total:
				if listed > total && len(items) != total {
					return fail("the pages held %d objects, more than total_count %d", listed, total)
				}
				return items, repeated, nil
			case len(batch) == 0:
				return fail("page %d is empty, but total_count is %d and only %d objects were listed", page, total, listed)
			case totalPages >= 0 && page >= totalPages:
				return fail("total_pages is %d, but total_count is %d and only %d objects were listed", totalPages, total, listed)
			}
			continue
		}
		switch {
		case len(batch) == 0:
			return items, repeated, nil
		case totalPages > 0:
			if page >= totalPages {
				return items, repeated, nil
			}
		case len(batch) < perPage:
			return items, repeated, nil
		}
	}
}

// Collect reads a whole sequence; any error returns nil and the error, never a partial slice. A
// *RepeatedWarning is not an error (it was logged); use CollectWarnings to show it to the user.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	out, _, err := CollectWarnings(seq)
	return out, err
}

// CollectWarnings is Collect that also returns the warnings the listing yielded.
func CollectWarnings[T any](seq iter.Seq2[T, error]) ([]T, []*RepeatedWarning, error) {
	var out []T
	var warnings []*RepeatedWarning
	for it, err := range seq {
		var w *RepeatedWarning
		switch {
		case errors.As(err, &w):
			warnings = append(warnings, w)
		case err != nil:
			return nil, nil, err
		default:
			out = append(out, it)
		}
	}
	return out, warnings, nil
}

// findOne reads a whole listing and returns the one item that matches. None is an ErrNotFound
// *APIError for path saying what was looked for; several is ErrMultipleMatches, never a pick.
func findOne[T any](seq iter.Seq2[T, error], match func(T) bool, path, what string) (*T, error) {
	items, err := Collect(seq)
	if err != nil {
		return nil, err
	}
	var found []T
	for _, it := range items {
		if match(it) {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 1:
		return &found[0], nil
	case 0:
		return nil, &APIError{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: path, ObjectGone: true,
			Errors: []ErrorDetail{{Code: 1003, Message: "no " + what}}}
	default:
		return nil, fmt.Errorf("%w: %s: %d found in %s", ErrMultipleMatches, what, len(found), path)
	}
}
