// Package webassets serves embedded static files under content-hashed URLs
// (name?v=<hash>): a request carrying the current hash may be cached for a
// year, any other revalidates, so a new build is picked up at once. The
// GraphiQL page and the dashboard both serve their files this way.
package webassets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"time"
)

// asset is what is known of one embedded file.
type asset struct {
	contentType string
	version     string // short content hash, the ?v= of its URL
	etag        string
}

// Set is an index of the regular files of a file system.
type Set struct {
	fs    fs.FS
	index map[string]asset
}

// New indexes the regular files of fsys by slash-separated name.
func New(fsys fs.FS) (*Set, error) {
	s := &Set{fs: fsys, index: map[string]asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		s.index[name] = asset{contentType: contentType(name), version: h[:12], etag: `"` + h[:32] + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index embedded assets: %w", err)
	}
	return s, nil
}

// Has tells whether name is one of the files.
func (s *Set) Has(name string) bool {
	_, ok := s.index[name]
	return ok
}

// URL is the versioned URL of the file name served under prefix; ok is false
// when there is no such file.
func (s *Set) URL(prefix, name string) (url string, ok bool) {
	a, ok := s.index[name]
	if !ok {
		return "", false
	}
	return prefix + name + "?v=" + a.version, true
}

// Serve answers a request for the file name: 404 for an unknown name or a
// directory, else the file with its content type, ETag and Cache-Control
// (one year, immutable, when the request's ?v= is the current hash).
func (s *Set) Serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := s.index[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := s.fs.Open(name)
	if err != nil {
		http.Error(w, "asset unreadable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker) // embedded files seek: no copy per request
	if !ok {
		http.Error(w, "asset unreadable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", a.etag)
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, content)
}

// AllowMethod answers 405 with Allow to anything but GET and HEAD, and
// tells whether the request may go on.
func AllowMethod(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

// contentType is set explicitly rather than taken from the system's MIME
// table, which varies between machines.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".md":
		return "text/markdown; charset=utf-8"
	default: // LICENSE, LICENSE.txt, NOTICE…
		return "text/plain; charset=utf-8"
	}
}
