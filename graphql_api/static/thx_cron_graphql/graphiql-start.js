// Start GraphiQL on this endpoint: queries over HTTP, subscriptions over graphql-transport-ws,
// both with the page's session cookie.
(function () {
  var url = window.location.href.split("?")[0].split("#")[0];
  var socket = new URL(url);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({ url: url, subscriptionUrl: socket.toString() });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      defaultQuery: "# thx-cron's API: try\n{\n  me { username isStaff }\n  jobs(first: 5) { totalCount edges { node { name nextRunAt lastRun { status } } } }\n}\n",
    }),
  );
})();
