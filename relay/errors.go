package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// Error categories of a StreamRecord (docs/relay.md); the k6 side maps them onto its own taxonomy.
const (
	CatTimeout           = "timeout"
	CatIdleTimeout       = "idle_timeout"
	CatAborted           = "aborted"
	CatDNS               = "dns"
	CatTLS               = "tls"
	CatConnectionRefused = "connection_refused"
	CatConnectionReset   = "connection_reset"
	CatStreamInterrupted = "stream_interrupted"
	CatInvalidRequest    = "invalid_request"
	CatInvalidResponse   = "invalid_response"
	CatUnknown           = "unknown"
	CatMalformedStream   = "malformed_stream"
	CatForbiddenTarget   = "forbidden_target"
)

var (
	errTotalTimeout = errors.New("request timeout exceeded")
	errIdleTimeout  = errors.New("no event (or body data, for a non-SSE response) received within the idle timeout")
)

// StreamError is an error as a value: a category for counting and a message for people.
type StreamError struct {
	Category string `json:"category"`
	Message  string `json:"message"`
}

// Error formats the error as "category: message".
func (e *StreamError) Error() string { return e.Category + ": " + e.Message }

// categorize maps a transport or read error to a category. afterHeaders tells whether the
// response had started: a broken connection then is a stream interruption, not a failed connect.
func categorize(err error, cause error, afterHeaders bool) *StreamError {
	// A cancelled context explains whatever error the transport surfaced after it.
	switch {
	case errors.Is(cause, errTotalTimeout):
		return &StreamError{CatTimeout, cause.Error()}
	case errors.Is(cause, errIdleTimeout):
		return &StreamError{CatIdleTimeout, cause.Error()}
	case cause != nil:
		return &StreamError{CatAborted, "request cancelled: " + cause.Error()}
	}
	msg := err.Error()
	if isDNSError(err) {
		return &StreamError{CatDNS, msg}
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return &StreamError{CatTimeout, msg}
	}
	if isTLSError(err) {
		return &StreamError{CatTLS, msg}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &StreamError{CatConnectionRefused, msg}
	}
	if afterHeaders {
		return &StreamError{CatStreamInterrupted, msg}
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &StreamError{CatConnectionReset, msg}
	}
	if strings.Contains(msg, "unsupported protocol scheme") {
		return &StreamError{CatInvalidRequest, msg}
	}
	return &StreamError{CatUnknown, msg}
}

// isDNSError tells whether the host could not be turned into an address to dial. Some resolvers
// (a custom dialer, a filtered lookup) surface that as a plain "lookup X: no such host" error
// rather than a *net.DNSError, so the message counts too.
func isDNSError(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || strings.HasSuffix(err.Error(), ": no such host")
}

func isTLSError(err error) bool {
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	return errors.As(err, &recErr) || errors.As(err, &alert) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostErr) || errors.As(err, &certErr) || errors.As(err, &verifyErr) ||
		strings.Contains(err.Error(), "tls: ")
}
