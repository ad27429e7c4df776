package main

import (
	"net/http"
	"testing"
)

func TestAnswerError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		ok     bool
	}{
		{"data", http.StatusOK, `{"data":{"node":{"id":"1"}}}`, true},
		{"the word errors in a value", http.StatusOK, `{"data":{"node":{"title":"no \"errors\": here"}}}`, true},
		{"a value that is the word errors", http.StatusOK, `{"data":{"node":{"title":"errors"}}}`, true},
		{"GraphQL errors", http.StatusOK, `{"errors":[{"message":"boom"}],"data":null}`, false},
		{"errors after data", http.StatusOK, `{"data":{"node":null},"errors":[{"message":"boom"}]}`, false},
		{"a data field named errors", http.StatusOK, `{"data":{"report":{"errors":[{"line":1}],"data":2}}}`, true},
		{"keys spaced out", http.StatusOK, `{ "data" : {"a":[1,{"errors":1}]} }`, true},
		{"errors after a nested object", http.StatusOK, `{"data":{"a":{"b":"}"}},"errors":[]}`, false},
		{"data only nested", http.StatusOK, `{"x":{"data":1}}`, false},
		{"status", http.StatusTooManyRequests, `{"data":null}`, false},
		{"not an object", http.StatusOK, `<html>`, false},
		{"no data", http.StatusOK, `{}`, false},
		{"empty", http.StatusOK, ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := answerError(tt.status, []byte(tt.body)); (err == nil) != tt.ok {
				t.Fatalf("answerError(%d, %s) = %v, want ok %v", tt.status, tt.body, err, tt.ok)
			}
		})
	}
}
