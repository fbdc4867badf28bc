package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// LieKind names a way the emulator's answers can be wrong while looking well-formed, as from a
// broken API or a proxy that rewrites answers. Lies test that a client never takes such an answer
// as the truth: a listing that is shorter than it says is not "these are all the objects".
type LieKind string

// The lies the emulator can tell. All but LiePOSTObject change listings (GET of a list endpoint).
const (
	LieTotalPages  LieKind = "total_pages"  // result_info.total_pages is 1, whatever total_count says
	LieEmptyPage   LieKind = "empty_page"   // page 2 holds no objects; result_info is otherwise true
	LieEmptyResult LieKind = "empty_result" // result is [] on every page; result_info is otherwise true
	LieNullResult  LieKind = "null_result"  // result is null on every page; result_info is otherwise true
	LieRepeatPage  LieKind = "repeat_page"  // every page answers page 1's objects, claiming 100000 pages
	LieDuplicate   LieKind = "duplicate"    // the first object is listed twice (the counts include it)
	LieOmit        LieKind = "omit"         // only the first object is listed, with counts to match, as a listing read while others write can miss objects; GET of the others still works
	LiePOSTObject  LieKind = "post_object"  // the group-members POST answers one object, as the API's reference page documents, instead of an array
)

// LieKinds lists every lie, for flags and documentation.
var LieKinds = []LieKind{LieTotalPages, LieEmptyPage, LieEmptyResult, LieNullResult, LieRepeatPage, LieDuplicate, LieOmit, LiePOSTObject}

var lieDescriptions = map[LieKind]string{
	LieTotalPages:  "result_info.total_pages is 1, whatever total_count says",
	LieEmptyPage:   "page 2 holds no objects; result_info is otherwise true",
	LieEmptyResult: "result is [] on every page, with the true total_count",
	LieNullResult:  "result is null on every page, with the true total_count",
	LieRepeatPage:  "every page answers page 1's objects, claiming 100000 pages",
	LieDuplicate:   "the first object is listed twice (the counts include it)",
	LieOmit:        "only the first object is listed, counts to match (GET of the others works)",
	LiePOSTObject:  "the group-members POST answers one object instead of an array",
}

// LieDescription says in one line what a lie does.
func LieDescription(k LieKind) string { return lieDescriptions[k] }

// Lies configures which answers lie.
type Lies struct {
	Kinds        []LieKind
	PathContains string // only requests whose path (after /client/v4) contains this; empty for all
}

// ParseLies reads a comma-separated list of lie names.
func ParseLies(s string) ([]LieKind, error) {
	var out []LieKind
	for _, name := range strings.Split(s, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !slices.Contains(LieKinds, LieKind(name)) {
			return nil, fmt.Errorf("unknown lie %q (known: %s)", name, lieNames())
		}
		out = append(out, LieKind(name))
	}
	return out, nil
}

func lieNames() string {
	names := make([]string, 0, len(LieKinds))
	for _, k := range LieKinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// SetLies replaces the lies (the zero value turns them off).
func (s *Server) SetLies(l Lies) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lies = l
}

type liesKey struct{}

// withLies marks the request with the lies that apply to it.
func (s *Server) withLies(r *http.Request) *http.Request {
	s.mu.Lock()
	l := s.lies
	s.mu.Unlock()
	if len(l.Kinds) == 0 || !strings.Contains(r.URL.Path, l.PathContains) {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), liesKey{}, l.Kinds))
}

func lies(r *http.Request, kind LieKind) bool {
	kinds, _ := r.Context().Value(liesKey{}).([]LieKind)
	return slices.Contains(kinds, kind)
}
