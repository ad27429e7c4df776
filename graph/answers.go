package graph

import (
	"bytes"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// answerBuffers keeps the scratch buffers that answers are marshalled into
// (graph/gqlgen.go routes the generated Exec here). gqlgen wrote each answer
// into a new bytes.Buffer that doubled its way up: a dashboard page of
// ~80 KB allocated and copied ~170 KB on the way. Marshalled into a buffer
// already grown by earlier answers, an answer costs one allocation of its
// own size, the copy it is handed on as (the response cache keeps it, so
// the scratch buffer cannot be).
type answerBuffers struct{ pool sync.Pool }

// largestKeptAnswer bounds the buffers kept for the next answers, so that
// one large export does not stay in memory.
const largestKeptAnswer = 1 << 20

// marshalAnswer writes data as JSON and returns its bytes (nil if it wrote
// nothing, as gqlgen's empty buffer did). Any other ResolverRoot (tests
// that build the schema over their own) gets a buffer of its own.
func marshalAnswer(root ResolverRoot, data graphql.Marshaler) []byte {
	r, ok := root.(*Resolver)
	if !ok {
		var buf bytes.Buffer
		data.MarshalGQL(&buf)
		return buf.Bytes()
	}
	buf, _ := r.answers.pool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	data.MarshalGQL(buf)
	var out []byte
	if buf.Len() > 0 {
		out = bytes.Clone(buf.Bytes())
	}
	if buf.Cap() <= largestKeptAnswer {
		r.answers.pool.Put(buf)
	}
	return out
}
