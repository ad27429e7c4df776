// Starts GraphiQL on the page served by internal/graphiql (hand-written, not
// vendored). It lives in its own file rather than inline so that the page's
// Content-Security-Policy can forbid inline scripts. The settings come from
// the non-executable JSON block #graphiql-config written by the Go template.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var container = document.getElementById('graphiql');
  var root = ReactDOM.createRoot(container);
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
      defaultQuery: config.defaultQuery,
    })
  );
})();
