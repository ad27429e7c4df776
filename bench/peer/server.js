// PostGraphile v4 with the connection-filter plugin over an Essaim PostgreSQL
// database, for the peer comparison of issue #6 (see BENCHMARKS.md).
//
//   node server.js <postgres URL> [port] [workers]
//
// One Node process uses one core; like Essaim (GOMAXPROCS = nproc) it gets
// every core of the machine: `workers` processes (default: the number of
// CPUs) share the port through node:cluster. Production settings: no query
// log, no schema watching, no GraphiQL.
"use strict";
const cluster = require("node:cluster");
const http = require("node:http");
const os = require("node:os");
const { postgraphile } = require("postgraphile");
const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");

const [url, port = "5055", workers = String(os.availableParallelism())] = process.argv.slice(2);
if (!url) {
  console.error("usage: node server.js <postgres URL> [port] [workers]");
  process.exit(2);
}

if (cluster.isPrimary && Number(workers) > 1) {
  for (let i = 0; i < Number(workers); i++) cluster.fork();
  cluster.on("exit", (w, code) => {
    console.error(`worker ${w.process.pid} exited with ${code}`);
    process.exit(1);
  });
  // The harness stops the primary with SIGTERM; take the workers along.
  process.on("SIGTERM", () => {
    for (const w of Object.values(cluster.workers)) w.process.kill("SIGTERM");
    process.exit(0);
  });
} else {
  // Same PostgreSQL settings as Essaim, which turns JIT compilation off
  // (internal/store): short statements lose more compiling than they gain.
  const conn = new URL(url);
  if (!conn.searchParams.has("options")) conn.searchParams.set("options", "-c jit=off");
  const handler = postgraphile(conn.toString(), "public", {
    appendPlugins: [ConnectionFilterPlugin],
    graphileBuildOptions: { connectionFilterRelations: true },
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    disableQueryLog: true,
    watchPg: false,
    graphiql: false,
    enableQueryBatching: false,
    retryOnInitFail: false,
  });
  http.createServer(handler).listen(Number(port), "127.0.0.1", () => {
    console.error(`postgraphile ${process.pid} listening on 127.0.0.1:${port}`);
  });
}
