package emulator

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind names an injected fault.
type FaultKind string

// The faults the emulator can inject.
const (
	FaultRateLimit   FaultKind = "rate_limit"   // HTTP 429 with Retry-After, before processing
	FaultServerError FaultKind = "server_error" // HTTP 500/502/503, before processing
	FaultSlow        FaultKind = "slow"         // delay, then process normally
	FaultDropBefore  FaultKind = "drop_before"  // close the connection without processing
	FaultDropAfter   FaultKind = "drop_after"   // process, then close the connection without answering
	FaultRejected    FaultKind = "rejected"     // HTTP 400 validation error, before processing (never retried)
	FaultNullResult  FaultKind = "null_result"  // process, then answer a success with "result": null
	FaultTruncated   FaultKind = "truncated"    // process, then send only the first half of the answer
	FaultHTML404     FaultKind = "html_404"     // HTTP 404 with an HTML page, as a proxy answers for a path it does not know
)

// Faults injects faults into a share of requests, drawn from a seeded generator.
type Faults struct {
	Seed                int64
	RateLimitRatio      float64
	RetryAfterSeconds   int // default 1
	ServerErrorRatio    float64
	ServerErrorStatuses []int // default 500, 502, 503
	SlowRatio           float64
	SlowDelay           time.Duration
	DropBeforeRatio     float64
	DropAfterRatio      float64
	NullResultRatio     float64
	TruncatedRatio      float64
	HTML404Ratio        float64
	Methods             []string // only these methods; empty for all
	PathContains        string   // only paths containing this; empty for all
}

type oneShot struct {
	n     int
	kind  FaultKind
	match func(*http.Request) bool
}

type faultState struct {
	cfg      Faults
	rng      *rand.Rand
	oneShots []*oneShot
	injected map[FaultKind]int
}

func (f *faultState) init() {
	f.rng = rand.New(rand.NewPCG(1, 2)) // #nosec G404 -- fault injection, not security
	f.injected = map[FaultKind]int{}
}

// SetFaults replaces the random fault configuration (the zero value turns it off).
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.cfg = f
	s.faults.rng = rand.New(rand.NewPCG(uint64(f.Seed), 7)) // #nosec G404,G115 -- fault injection
}

// InjectNext makes the next n requests that match (nil matches all) fail with kind.
func (s *Server) InjectNext(n int, kind FaultKind, match func(*http.Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.oneShots = append(s.faults.oneShots, &oneShot{n: n, kind: kind, match: match})
}

// FaultsInjected counts the faults injected so far, by kind.
func (s *Server) FaultsInjected() map[FaultKind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[FaultKind]int{}
	for k, v := range s.faults.injected {
		out[k] = v
	}
	return out
}

func (s *Server) nextFault(r *http.Request) FaultKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	for i, o := range f.oneShots {
		if o.match == nil || o.match(r) {
			o.n--
			if o.n <= 0 {
				f.oneShots = slices.Delete(f.oneShots, i, i+1)
			}
			f.injected[o.kind]++
			return o.kind
		}
	}
	c := f.cfg
	if len(c.Methods) > 0 && !slices.Contains(c.Methods, r.Method) || c.PathContains != "" && !strings.Contains(r.URL.Path, c.PathContains) {
		return ""
	}
	x := f.rng.Float64()
	for _, k := range []struct {
		ratio float64
		kind  FaultKind
	}{{c.RateLimitRatio, FaultRateLimit}, {c.ServerErrorRatio, FaultServerError}, {c.SlowRatio, FaultSlow},
		{c.DropBeforeRatio, FaultDropBefore}, {c.DropAfterRatio, FaultDropAfter},
		{c.NullResultRatio, FaultNullResult}, {c.TruncatedRatio, FaultTruncated}, {c.HTML404Ratio, FaultHTML404}} {
		if x < k.ratio {
			f.injected[k.kind]++
			return k.kind
		}
		x -= k.ratio
	}
	return ""
}

// applyFault acts out a fault; it returns true when the request is finished.
func (s *Server) applyFault(kind FaultKind, w *statusRecorder, r *http.Request, cred string) bool {
	s.mu.Lock()
	c := s.faults.cfg
	statuses := c.ServerErrorStatuses
	if len(statuses) == 0 {
		statuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}
	}
	status := statuses[s.faults.rng.IntN(len(statuses))]
	s.mu.Unlock()
	switch kind {
	case FaultRateLimit:
		ra := c.RetryAfterSeconds
		if ra <= 0 {
			ra = 1
		}
		if isClickHouse(r) { // ClickHouse says when its window resets instead
			w.Header().Set("X-RateLimit-Reset", strconv.Itoa(ra))
			chError(w, http.StatusTooManyRequests, "Too many requests, please try again later")
			return true
		}
		w.Header().Set("Retry-After", strconv.Itoa(ra))
		writeError(w, http.StatusTooManyRequests, 971, "Please wait and consider throttling your request speed")
		return true
	case FaultServerError:
		if isClickHouse(r) {
			chError(w, status, "Internal server error")
			return true
		}
		writeError(w, status, 10002, "An unknown error has occurred")
		return true
	case FaultRejected:
		writeError(w, http.StatusBadRequest, 1001, "Invalid request: rejected by fault injection")
		return true
	case FaultSlow:
		d := c.SlowDelay
		if d <= 0 {
			d = 2 * time.Second
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
		return false
	case FaultHTML404:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
		return true
	case FaultDropBefore:
		w.status = 0
		drop(w)
		return true
	case FaultDropAfter:
		// Processed like any request (authenticated, rate-limited, routed), but the answer never arrives.
		s.serve(&statusRecorder{ResponseWriter: httptest.NewRecorder()}, r, cred)
		w.status = 0
		drop(w)
		return true
	case FaultNullResult, FaultTruncated:
		done := httptest.NewRecorder()
		s.mux.ServeHTTP(done, r) // processed; the answer is damaged on the way
		body := done.Body.Bytes()
		if kind == FaultTruncated {
			body = body[:len(body)/2]
		} else if done.Code < 300 && isClickHouse(r) {
			body = []byte(`{"status":200,"requestId":"` + newUUID() + `","result":null}` + "\n")
		} else if done.Code < 300 {
			body = []byte(`{"success":true,"errors":[],"messages":[],"result":null}` + "\n")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(done.Code)
		_, _ = w.Write(body)
		return true
	}
	return false
}

func drop(w http.ResponseWriter) {
	if hj, ok := w.(*statusRecorder).ResponseWriter.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // closes the connection when hijacking is not available
}
