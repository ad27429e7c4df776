package server

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
)

// databaseUnavailable reports whether err says the database cannot be
// reached or dropped the connection: a refused or reset connection, a
// connection closed mid-statement, or PostgreSQL shutting down or starting.
// database/sql replaces broken connections by itself, so the same request
// succeeds once the database is back.
func databaseUnavailable(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed),
		errors.As(err, &netErr):
		return true
	}
	if e := pq.As(err); e != nil {
		// Class 08: connection exception; 57P01–57P03: admin shutdown,
		// crash shutdown, cannot connect now (starting up or shutting down).
		c := string(e.Code)
		return strings.HasPrefix(c, "08") || c == "57P01" || c == "57P02" || c == "57P03"
	}
	return false
}

// databaseRefusedValue reports whether PostgreSQL refused a value a client
// sent: a NUL character or bytes that are not valid in the database's
// encoding (SQLite stores them as they are).
func databaseRefusedValue(err error) bool {
	e := pq.As(err)
	return e != nil && (e.Code == "22021" || e.Code == "22P05")
}
