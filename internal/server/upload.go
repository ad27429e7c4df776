package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/auth"
)

const mediaMultipart = "multipart/form-data"

// preflightHeaders are the request headers that a browser never sends
// cross-origin without a CORS preflight: a multipart form post carrying one
// of them cannot come from a forged form (CSRF).
var preflightHeaders = []string{"Authorization", "GraphQL-Require-Preflight", "Apollo-Require-Preflight"}

func preflighted(h http.Header) bool {
	for _, name := range preflightHeaders {
		if h.Get(name) != "" {
			return true
		}
	}
	return false
}

// multipart serves a GraphQL multipart request
// (https://github.com/jaydenseric/graphql-multipart-request-spec): an
// "operations" part (the JSON request), a "map" part (file part name ->
// variable paths), then the files, all within maxUploadBytes.
func (t httpTransport) multipart(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string) {
	if !preflighted(r.Header) {
		w.Header().Set("Accept-Post", mediaJSON)
		protocolError(w, media, http.StatusUnsupportedMediaType, apierr.UnsupportedMediaType,
			"multipart/form-data requests must carry an Authorization, GraphQL-Require-Preflight or Apollo-Require-Preflight header")
		return
	}
	// Files only feed mutations: a client that may not run one is refused
	// before its files are read, rather than by access control once they
	// are all in memory (refused requests spend no rate limit).
	if !auth.FromContext(r.Context()).Role.Allows(auth.Editor) {
		protocolError(w, media, http.StatusForbidden, apierr.Forbidden,
			"file uploads feed mutations, which need an API key with the role EDITOR or ADMIN")
		return
	}
	start := graphql.Now()
	r.Body = http.MaxBytesReader(w, r.Body, t.maxUploadBytes)
	params, err := t.readMultipart(r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			protocolError(w, media, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge,
				"the request body is larger than "+strconv.FormatInt(t.maxUploadBytes, 10)+" bytes")
			return
		}
		var partTooLarge errPartTooLarge
		if errors.As(err, &partTooLarge) {
			protocolError(w, media, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge, err.Error())
			return
		}
		protocolError(w, media, http.StatusBadRequest, apierr.BadRequest, err.Error())
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r.Context(), exec, params, media, true)
}

// errMultipart is a malformed multipart request; its message is safe to show.
type errMultipart string

func (e errMultipart) Error() string { return string(e) }

// errPartTooLarge is a JSON part over its size (-max-body-bytes), refused as
// a body over it is (413).
type errPartTooLarge string

func (e errPartTooLarge) Error() string { return string(e) }

func (t httpTransport) readMultipart(r *http.Request) (*graphql.RawParams, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errMultipart("the multipart body is malformed")
	}
	var req rawRequest
	if err := readJSONPart(mr, "operations", t.maxBodyBytes, &req); err != nil {
		return nil, err
	}
	if req.Query == "" && req.Extensions["persistedQuery"] == nil {
		return nil, errMultipart("the request has no query")
	}
	var uploads map[string][]string
	if err := readJSONPart(mr, "map", t.maxBodyBytes, &uploads); err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, multipartError(err)
		}
		paths, ok := uploads[part.FormName()]
		if !ok {
			return nil, errMultipart(fmt.Sprintf("file part %q is not in the map", part.FormName()))
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, multipartError(err)
		}
		for _, path := range paths {
			up := graphql.Upload{File: bytes.NewReader(data), Filename: part.FileName(), Size: int64(len(data)),
				ContentType: part.Header.Get("Content-Type")}
			if err := setVariable(req.Variables, path, up); err != nil {
				return nil, err
			}
		}
		delete(uploads, part.FormName())
	}
	for name := range uploads {
		return nil, errMultipart(fmt.Sprintf("the map names file part %q, which the request lacks", name))
	}
	return &graphql.RawParams{Query: req.Query, OperationName: req.OperationName,
		Variables: req.Variables, Extensions: req.Extensions}, nil
}

// multipartError keeps a size overrun recognisable and hides reader details.
func multipartError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return errMultipart("the multipart body is malformed")
}

func readJSONPart(mr *multipart.Reader, name string, max int64, into any) error {
	part, err := mr.NextPart()
	if err != nil {
		return multipartError(err)
	}
	if part.FormName() != name {
		return errMultipart(fmt.Sprintf("the multipart body must start with the %q and \"map\" parts", "operations"))
	}
	data, err := io.ReadAll(io.LimitReader(part, max+1))
	if err != nil {
		return multipartError(err)
	}
	if int64(len(data)) > max {
		return errPartTooLarge(fmt.Sprintf("the %q part is larger than %d bytes", name, max))
	}
	if decodeJSON(data, into) != nil {
		return errMultipart(fmt.Sprintf("the %q part is not valid JSON of the right shape", name))
	}
	return nil
}

// setVariable puts an upload at a path like "variables.file" or
// "variables.files.0", where the operation holds null.
func setVariable(vars map[string]any, path string, up graphql.Upload) error {
	bad := errMultipart(fmt.Sprintf("map path %q does not name a null variable", path))
	parts := strings.Split(path, ".")
	if len(parts) < 2 || parts[0] != "variables" || vars == nil {
		return bad
	}
	var cur any = vars
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return bad
			}
			if last {
				if v != nil {
					return bad
				}
				c[p] = up
				return nil
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return bad
			}
			if last {
				if c[n] != nil {
					return bad
				}
				c[n] = up
				return nil
			}
			cur = c[n]
		default:
			return bad
		}
	}
	return bad
}
