package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Request is one logged request. Credentials are never recorded, only the scheme.
type Request struct {
	Method, Path, RawQuery string
	Status                 int
	Fault                  FaultKind
	AuthScheme             string // bearer, key or none
	Time                   time.Time
}

// Requests returns the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

// CountRequests counts logged requests with this method ("" for any) whose path contains pathContains.
func (s *Server) CountRequests(method, pathContains string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && strings.Contains(r.Path, pathContains) {
			n++
		}
	}
	return n
}

// CountWrites counts POST, PUT, PATCH and DELETE requests.
func (s *Server) CountWrites() int {
	n := 0
	for _, r := range s.Requests() {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			n++
		}
	}
	return n
}
