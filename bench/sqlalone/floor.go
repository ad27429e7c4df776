package main

import (
	"database/sql"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// floor is the least any HTTP server could do for an operation: read the
// request, run the operation's recorded statements on the same pool as the
// server ran them (every row read), and write an answer of the same bytes. No GraphQL, no ent. The
// server's time against the floor's is what GraphQL and the engine add;
// the floor's against the SQL alone is what loopback HTTP adds, whoever
// serves it.
type floor struct {
	mu     sync.Mutex
	db     *sql.DB
	stmts  []stmt
	sched  schedule
	answer []byte
}

// set makes the floor serve one operation: its statements, on db, as the
// server ran them, and the server's answer to it.
func (f *floor) set(db *sql.DB, stmts []stmt, sched schedule, answer []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.db, f.stmts, f.sched, f.answer = db, stmts, sched, answer
}

func (f *floor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	db, stmts, sched, answer := f.db, f.stmts, f.sched, f.answer
	f.mu.Unlock()
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := replayAsServed(r.Context(), db, stmts, sched); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	_, _ = w.Write(answer)
}
