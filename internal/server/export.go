package server

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/store"
)

// exportParams are the query parameters /export takes.
var exportParams = append([]string{"type", "format"}, exchange.FilterParams...)

// exportHandler serves GET /export?type=actors|initiatives&format=csv|json|jsonld
// with the list filters as parameters (see exchange.Filter). The rows are
// streamed page by page; a bad parameter gets 400 with a coded GraphQL-style
// error body before anything is written.
func exportHandler(st *store.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			exportError(w, http.StatusMethodNotAllowed, apierr.New(apierr.MethodNotAllowed, "/export answers GET only"))
			return
		}
		q := r.URL.Query()
		for name, values := range q {
			if !slices.Contains(exportParams, name) {
				exportError(w, http.StatusBadRequest, apierr.BadInput(name, "unknown parameter %q; the parameters are %v", name, exportParams))
				return
			}
			if len(values) > 1 { // only the first would count, silently
				exportError(w, http.StatusBadRequest, apierr.BadInput(name, "the parameter %q is given %d times; give it once", name, len(values)))
				return
			}
		}
		kind, err := exchange.ParseKind(q.Get("type"))
		if err != nil {
			exportError(w, http.StatusBadRequest, apierr.BadInput("type", "%s", err))
			return
		}
		format := exchange.CSV
		if v := q.Get("format"); v != "" {
			if format, err = exchange.ParseFormat(v); err != nil {
				exportError(w, http.StatusBadRequest, apierr.BadInput("format", "%s", err))
				return
			}
		}
		exp, err := exchange.NewExport(r.Context(), st.Client, kind, format, exchange.FilterFromQuery(q))
		var bad *exchange.FilterError
		if errors.As(err, &bad) {
			exportError(w, http.StatusBadRequest, apierr.BadInput(bad.Param, "%s", bad.Message))
			return
		}
		if err != nil {
			log.Error("export", "err", err)
			exportError(w, http.StatusInternalServerError, apierr.New(apierr.Internal, "internal error"))
			return
		}
		if r.Method == http.MethodGet && !chargeExport(w, r) {
			return
		}
		w.Header().Set("Content-Type", exp.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="essaim-`+string(kind)+"."+string(format)+`"`) // a format is named by its extension
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusOK) // the headers alone: no row is read
			return
		}
		if err := exp.WriteTo(r.Context(), w); err != nil {
			// The status is sent: the client sees a truncated body.
			log.Error("export stopped", "type", kind, "err", err)
		}
	}
}

// exportError answers with the body of a GraphQL error response, so that
// clients read one error shape everywhere.
func exportError(w http.ResponseWriter, status int, e *apierr.Error) {
	ge := apierr.GraphQL(e.Code, e.Message)
	if e.Field != "" {
		ge.Extensions["field"] = e.Field
	}
	writeResponse(w, mediaJSON, status, &graphql.Response{Errors: gqlerror.List{ge}})
}
