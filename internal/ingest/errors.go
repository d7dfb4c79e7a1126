package ingest

import (
	"fmt"
	"net/http"
)

// Code is a stable, machine-readable error code. Clients may switch on it;
// never rename one.
type Code string

const (
	CodeMalformedJSON       Code = "malformed_json"
	CodeInvalidUTF8         Code = "invalid_utf8"
	CodeInvalidType         Code = "invalid_field_type"
	CodeInvalidEventType    Code = "invalid_event_type"
	CodeMissingIdentity     Code = "missing_identity"
	CodeMissingField        Code = "missing_field"
	CodeInvalidTimestamp    Code = "invalid_timestamp"
	CodeFieldTooLong        Code = "field_too_long"
	CodeEventTooLarge       Code = "event_too_large"
	CodeBatchTooLarge       Code = "batch_too_large"
	CodeEmptyBatch          Code = "empty_batch"
	CodeInvalidBatch        Code = "invalid_batch"
	CodeUnsupportedEncoding Code = "unsupported_content_encoding"
	CodeMissingWriteKey     Code = "missing_write_key"
	CodeInvalidWriteKey     Code = "invalid_write_key"
	CodeRevokedWriteKey     Code = "revoked_write_key"
	CodeWrongKeyScope       Code = "wrong_key_scope"
	CodeOverloaded          Code = "overloaded"
	CodeUnavailable         Code = "unavailable"
)

// Status is the HTTP status that goes with a code.
func (c Code) Status() int {
	switch c {
	case CodeEventTooLarge, CodeBatchTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeUnsupportedEncoding:
		return http.StatusUnsupportedMediaType
	case CodeMissingWriteKey, CodeInvalidWriteKey:
		return http.StatusUnauthorized
	case CodeRevokedWriteKey, CodeWrongKeyScope:
		return http.StatusForbidden
	case CodeOverloaded:
		return http.StatusTooManyRequests
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}

// Error is an ingest error with a stable code and a message for people.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// EventError reports one rejected event of a request.
type EventError struct {
	Index   int    `json:"index"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
}
