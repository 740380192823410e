// Starts GraphiQL on Guichet's own /graphql endpoint. Loaded as a file (the page's
// Content-Security-Policy allows no inline script). Send a bearer token in the headers
// editor: {"Authorization": "Bearer <token>"}.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + "/graphql" });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
      shouldPersistHeaders: false,
    })
  );
})();
