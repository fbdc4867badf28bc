package client

import (
	"errors"
	"strings"
)

// minSecretFragment is the shortest piece of a credential that is masked on its own: a server that
// echoes part of a token (truncated, or after a prefix it cut) must not get that part printed
// either. Credentials shorter than this are not masked in error texts (no real one is).
const minSecretFragment = 8

// secretMask replaces a credential, or a piece of one, in every error text and log field.
const secretMask = "***"

// masker hides the configured credentials in text that came from anywhere, the API's answers
// included: a server (or a proxy) that echoes the Authorization header in an error message must
// not get the token printed in the console or in TF_LOG output.
type masker struct{ secrets []string }

func newMasker(secrets ...string) masker {
	var m masker
	for _, s := range secrets {
		if len(s) >= minSecretFragment {
			m.secrets = append(m.secrets, s)
		}
	}
	return m
}

// mask replaces every run of s that is a piece of a credential at least minSecretFragment long.
func (m masker) mask(s string) string {
	if len(m.secrets) == 0 || len(s) < minSecretFragment {
		return s
	}
	var hide []bool
	for _, secret := range m.secrets {
		for i := 0; i+minSecretFragment <= len(secret); i++ {
			shingle := secret[i : i+minSecretFragment]
			for from := 0; from < len(s); {
				p := strings.Index(s[from:], shingle)
				if p < 0 {
					break
				}
				p += from
				end := p + minSecretFragment
				for end < len(s) && i+end-p < len(secret) && s[end] == secret[i+end-p] {
					end++
				}
				if hide == nil {
					hide = make([]bool, len(s))
				}
				for k := p; k < end; k++ {
					hide[k] = true
				}
				from = p + 1
			}
		}
	}
	if hide == nil {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if !hide[i] {
			b.WriteByte(s[i])
			continue
		}
		b.WriteString(secretMask)
		for i+1 < len(s) && hide[i+1] {
			i++
		}
	}
	return b.String()
}

// maskError masks the credentials in err's text, keeping err for errors.Is and errors.As. The API's
// own messages inside an *APIError are masked in place, so that code which reads them never sees
// a credential either.
func (m masker) maskError(err error) error {
	if err == nil || len(m.secrets) == 0 {
		return err
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		for _, list := range [][]ErrorDetail{apiErr.Errors, apiErr.Messages} {
			for i := range list {
				list[i].Message = m.mask(list[i].Message)
			}
		}
	}
	text := err.Error()
	if masked := m.mask(text); masked != text {
		return &maskedError{err: err, text: masked}
	}
	return err
}

type maskedError struct {
	err  error
	text string
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

// Mask hides the configured credentials (and any piece of them at least 8 characters long) in s,
// for text the provider builds from what the API sent outside an error.
func (c *Client) Mask(s string) string { return c.secrets.mask(s) }
