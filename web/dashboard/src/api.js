// The dashboard talks to /graphql like any third-party client: POST, JSON,
// public schema only. Every request names its operation so that server logs
// and benchmarks can tell the dashboard's queries apart.

export class APIError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function createClient(endpoint) {
  return async function gql(query, variables = {}) {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try {
      body = await res.json();
    } catch {
      throw new APIError(`The API answered HTTP ${res.status}`, "HTTP");
    }
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      throw new APIError(e.message, e.extensions && e.extensions.code);
    }
    return body.data;
  };
}
