package apierr

// Codes of the operations features (trusted documents, database outages).
const (
	// PersistedQueryNotAllowed refuses a document that is not in the
	// server's trusted documents.
	PersistedQueryNotAllowed Code = "PERSISTED_QUERY_NOT_ALLOWED"
	// Unavailable: the database cannot be reached; retry later.
	Unavailable Code = "UNAVAILABLE"
)
