package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
)

// Media types of GraphQL responses (GraphQL over HTTP).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport is the only transport of /graphql. It follows GraphQL over
// HTTP (https://graphql.github.io/graphql-over-http/draft/) where gqlgen's
// own transports do not:
//
//   - GET runs queries only: a mutation gets 405 with Allow: POST;
//   - POST takes application/json bodies, and multipart/form-data (file
//     uploads) only with a header that forces a CORS preflight (upload.go):
//     text/plain and plain form posts, which browsers send cross-origin
//     without a preflight, get 415 (CSRF);
//   - one operation per request: a JSON array (batch) gets 400;
//   - a body that is not a JSON request object gets 400, and its text is
//     never echoed back;
//   - a body over MaxBodyBytes gets 413;
//   - the response is application/graphql-response+json when the client's
//     Accept lists it, else application/json. A request error (parse,
//     validation, limits: no data) answers 400 with the former and 200 with
//     the latter, as the specification asks; gqlgen answers 422.
//
// Every error body is a GraphQL response whose errors carry a code.
type httpTransport struct {
	maxBodyBytes int64
	// maxUploadBytes bounds multipart requests (file uploads); 0 refuses them.
	maxUploadBytes int64
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(*http.Request) bool { return true }

// rawRequest is the body of a POST request.
type rawRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := negotiate(r.Header.Values("Accept"))
	switch r.Method {
	case http.MethodGet:
		t.get(w, r, exec, media)
	case http.MethodPost:
		t.post(w, r, exec, media)
	case http.MethodOptions:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		protocolError(w, media, http.StatusMethodNotAllowed, apierr.MethodNotAllowed,
			"method "+r.Method+" is not allowed: use GET for queries, POST for queries and mutations")
	}
}

func (t httpTransport) get(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, "the URL query string is malformed")
		return
	}
	params := &graphql.RawParams{
		Query:         q.Get("query"),
		OperationName: q.Get("operationName"),
		Headers:       r.Header,
	}
	params.ReadTime.Start = graphql.Now()
	for name, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if v := q.Get(name); v != "" && decodeJSON([]byte(v), into) != nil {
			protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, "the "+name+" parameter is not a JSON object")
			return
		}
	}
	params.ReadTime.End = graphql.Now()
	if params.Query == "" && params.Extensions["persistedQuery"] == nil {
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, "the request has no query")
		return
	}
	execute(w, r.Context(), exec, params, media, false)
}

func (t httpTransport) post(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string) {
	ct, ctParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && ct == mediaMultipart && t.maxUploadBytes > 0 {
		t.multipart(w, r, exec, media) // file uploads, see upload.go
		return
	}
	if err != nil || ct != mediaJSON || (ctParams["charset"] != "" && !strings.EqualFold(ctParams["charset"], "utf-8")) {
		w.Header().Set("Accept-Post", mediaJSON)
		protocolError(w, media, http.StatusUnsupportedMediaType, apierr.UnsupportedMediaType,
			"POST requests must have Content-Type application/json")
		return
	}
	start := graphql.Now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			protocolError(w, media, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge,
				"the request body is larger than "+strconv.FormatInt(t.maxBodyBytes, 10)+" bytes")
			return
		}
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, "the request body could not be read")
		return
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest,
			"batched requests are not supported: send one operation per request")
		return
	}
	var req rawRequest
	if err := decodeJSON(body, &req); err != nil {
		// The decoder's message may quote the body: say what is wrong in general terms only.
		var syntax *json.SyntaxError
		msg := "the request body is not a GraphQL request object (query, operationName, variables, extensions)"
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errTrailingData) {
			msg = "the request body is not valid JSON"
		}
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, msg)
		return
	}
	if req.Query == "" && req.Extensions["persistedQuery"] == nil {
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, "the request has no query")
		return
	}
	params := &graphql.RawParams{
		Query: req.Query, OperationName: req.OperationName,
		Variables: req.Variables, Extensions: req.Extensions, Headers: r.Header,
		ReadTime: graphql.TraceTiming{Start: start, End: graphql.Now()},
	}
	execute(w, r.Context(), exec, params, media, true)
}

var errTrailingData = errors.New("data after the JSON value")

// decodeJSON decodes exactly one JSON value, keeping numbers exact.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailingData
	}
	return nil
}

type queriesOnlyKey struct{}

// refusedByMethod tells the access and rate checks that the transport will
// answer 405 to this operation (a mutation over GET): the protocol error
// comes first, and nothing is charged.
func refusedByMethod(ctx context.Context, op *ast.OperationDefinition) bool {
	queriesOnly, _ := ctx.Value(queriesOnlyKey{}).(bool)
	return queriesOnly && op != nil && op.Operation != ast.Query
}

// execute runs one operation and writes its response.
func execute(w http.ResponseWriter, ctx context.Context, exec graphql.GraphExecutor, params *graphql.RawParams, media string, mutationsAllowed bool) {
	// Checked before gqlgen sees the document: the persisted-query and parsed
	// document caches would otherwise keep megabyte-long queries that the
	// token limit refuses later (a comment or a string is one token).
	if len(params.Query) > maxQueryBytes {
		protocolError(w, media, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge,
			fmt.Sprintf("the query document is larger than %d bytes", maxQueryBytes))
		return
	}
	if !mutationsAllowed {
		ctx = context.WithValue(ctx, queriesOnlyKey{}, true)
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// A request error: nothing ran.
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeResponse(w, media, requestErrorStatus(media, errs), resp)
		return
	}
	if refusedByMethod(ctx, opCtx.Operation) {
		w.Header().Set("Allow", "POST")
		protocolError(w, media, http.StatusMethodNotAllowed, apierr.MethodNotAllowed,
			"GET runs queries only: send "+string(opCtx.Operation.Operation)+" operations with POST")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen produces no response when the context ended before execution.
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusServiceUnavailable
		}
		writeResponse(w, media, status, &graphql.Response{Errors: gqlerror.List{timeoutError()}})
		return
	}
	if resp.Data == nil {
		// The operation ran: data is present, null, as GraphQL over HTTP asks.
		resp.Data = json.RawMessage("null")
	}
	writeResponse(w, media, http.StatusOK, resp)
}

// maxQueryBytes bounds a query document; real documents are a few kilobytes.
const maxQueryBytes = 64 << 10

func timeoutError() *gqlerror.Error {
	return apierr.GraphQL(apierr.Timeout, "the request took longer than the server allows")
}

// requestErrorStatus is the status of a response without data: 400 for a
// malformed request (BAD_REQUEST, whatever the media type, as the protocol's
// own refusals), else as GraphQL over HTTP asks of the media type.
func requestErrorStatus(media string, errs gqlerror.List) int {
	for _, e := range errs {
		if e.Extensions["code"] == string(apierr.BadRequest) {
			return http.StatusBadRequest
		}
	}
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// negotiate picks the response media type from the Accept headers:
// application/graphql-response+json when listed (with q > 0), else
// application/json, also for clients that accept neither.
func negotiate(accept []string) string {
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || mt != mediaGraphQLResponse {
				continue
			}
			if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q <= 0 {
				continue
			}
			return mediaGraphQLResponse
		}
	}
	return mediaJSON
}

// protocolError answers a request refused before GraphQL saw it.
func protocolError(w http.ResponseWriter, media string, status int, code apierr.Code, msg string) {
	writeResponse(w, media, status, &graphql.Response{Errors: gqlerror.List{apierr.GraphQL(code, msg)}})
}

func writeResponse(w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	noteOutcome(w, resp.Errors)
	parts, err := responseParts(resp)
	if err != nil {
		status = http.StatusInternalServerError
		parts, _ = responseParts(&graphql.Response{Errors: gqlerror.List{apierr.GraphQL(apierr.Internal, "internal error")}})
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h := w.Header()
	h.Set("Content-Type", media)
	h.Set("X-Content-Type-Options", "nosniff")
	// Declared, a length lets the server write a large answer as it is
	// rather than in chunks, and the client size its buffer.
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return // the client left
		}
	}
}

// responseParts writes resp as sent: without a data entry when nothing ran
// (a request error), as GraphQL over HTTP asks. The data, compact JSON from
// gqlgen, is passed on as it is, never copied: json.Marshal would scan and
// re-compact it (5% of a dashboard page's CPU), and a copy of a dashboard
// page is 60 KB more to allocate.
func responseParts(resp *graphql.Response) ([][]byte, error) {
	head := []byte{'{'}
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, fmt.Errorf("encode errors: %w", err)
		}
		head = append(append(head, `"errors":`...), errs...)
	}
	var data []byte
	if len(resp.Data) > 0 {
		if len(head) > 1 {
			head = append(head, ',')
		}
		head, data = append(head, `"data":`...), resp.Data
	}
	tail := []byte{}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			return nil, fmt.Errorf("encode extensions: %w", err)
		}
		if len(head) > 1 {
			tail = append(tail, ',')
		}
		tail = append(append(tail, `"extensions":`...), ext...)
	}
	return [][]byte{head, data, append(tail, '}')}, nil
}
