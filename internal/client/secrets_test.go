package client

import (
	"errors"
	"strings"
	"testing"
)

func TestMaskHidesCredentialsAndPiecesOfThem(t *testing.T) {
	const token = "Zt8m2QpL0vX9rK4sW7nB1cD5"
	m := newMasker(token, "short")
	for _, tc := range []struct{ in, want string }{
		{"token Bearer " + token + " lacks permission", "token Bearer *** lacks permission"},
		{"echo: " + token[3:15] + "…", "echo: ***…"},     // a piece of it
		{"two " + token + token + " end", "two *** end"}, // adjacent copies are one run
		{"short words stay, as do 8-char ids: 0123abcd", "short words stay, as do 8-char ids: 0123abcd"},
		{token[:7] + " is too short a piece to mask", token[:7] + " is too short a piece to mask"},
	} {
		if got := m.mask(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	base := &APIError{StatusCode: 403, Method: "GET", Path: "/x", Errors: []ErrorDetail{{Code: 9109, Message: "token " + token}}}
	err := m.maskError(base)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), token[:8]) || strings.Contains(apiErr.Errors[0].Message, token[:8]) {
		t.Fatalf("maskError: %v (kinds or masking lost)", err)
	}
}
