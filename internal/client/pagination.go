package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// maxPages guards against an API that never stops paging.
const maxPages = 100000

// list reads every page of a list endpoint as one sequence: callers never see a page boundary. It
// follows result_info.total_pages and, when result_info is absent, stops at the first short page.
// An error ends the sequence with that error: a partial listing is never passed off as complete.
func list[T any](ctx context.Context, c *Client, path string, query url.Values, perPage int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for page := 1; page <= maxPages; page++ {
			q := url.Values{}
			for k, v := range query {
				q[k] = v
			}
			q.Set("page", strconv.Itoa(page))
			q.Set("per_page", strconv.Itoa(perPage))
			var items []T
			info, err := c.do(ctx, http.MethodGet, path, q, nil, &items)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			switch {
			case len(items) == 0:
				return
			case info != nil && info.TotalPages > 0:
				if page >= info.TotalPages {
					return
				}
			case len(items) < perPage:
				return
			}
		}
	}
}

// Collect reads a whole sequence; any error returns nil and the error, never a partial slice.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for it, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// findOne reads a whole listing and returns the one item that matches. None is an ErrNotFound
// *APIError for path saying what was looked for; several is ErrMultipleMatches, never a pick.
func findOne[T any](seq iter.Seq2[T, error], match func(T) bool, path, what string) (*T, error) {
	var found []T
	for it, err := range seq {
		if err != nil {
			return nil, err
		}
		if match(it) {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 1:
		return &found[0], nil
	case 0:
		return nil, &APIError{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: path,
			Errors: []ErrorDetail{{Code: 1003, Message: "no " + what}}}
	default:
		return nil, fmt.Errorf("%w: %s: %d found in %s", ErrMultipleMatches, what, len(found), path)
	}
}
