// The dashboard talks to /graphql like any third-party client: POST, JSON,
// public schema only, and no API key (it relies on anonymous reads, the
// server's default). Every request names its operation so that server logs
// and benchmarks can tell the dashboard's queries apart.

export class APIError extends Error {
  // code: the error's extensions.code (UNAUTHENTICATED, RATE_LIMITED…), or
  // "HTTP" for an answer that is not GraphQL, "NETWORK" when there was none.
  constructor(message, code, status = 0, retryAfter = 0) {
    super(message);
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export function createClient(endpoint) {
  return async function gql(query, variables = {}) {
    let res;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new APIError("the API could not be reached", "NETWORK");
    }
    const retryAfter = Number(res.headers.get("Retry-After")) || 0;
    let body;
    try {
      body = await res.json();
    } catch {
      throw new APIError(`the API answered HTTP ${res.status}`, "HTTP", res.status, retryAfter);
    }
    if (body && body.errors && body.errors.length) {
      const e = body.errors[0];
      throw new APIError(String(e.message), e.extensions && e.extensions.code, res.status, retryAfter);
    }
    if (!body || !body.data) throw new APIError(`the API answered HTTP ${res.status} without data`, "HTTP", res.status);
    return body.data;
  };
}

// describe turns an error of gql (or any other) into a sentence for the
// page: what happened and what the user can do about it.
export function describe(err) {
  const detail = (err && err.message ? err.message : String(err)).replace(/\.$/, "");
  switch (err && err.code) {
    case "UNAUTHENTICATED":
      return "This server does not allow anonymous reads, and the dashboard sends no API key: " +
        "its figures cannot be shown here. Ask the server's operator to allow anonymous reads " +
        `(the default). The API said: ${detail}.`;
    case "FORBIDDEN":
      return `The API refused this request: ${detail}.`;
    case "RATE_LIMITED":
      return err.retryAfter
        ? `Too many requests from this address for now: try again in ${err.retryAfter} s.`
        : `Too many requests from this address for now: try again in a minute (${detail}).`;
    case "TIMEOUT":
    case "UNAVAILABLE":
      return `The API is busy or unavailable for now: try again shortly (${detail}).`;
    case "NETWORK":
      return "The API could not be reached: check the connection, then try again.";
    default:
      return `The API answered with an error: ${detail}.`;
  }
}
