// Masthead's GraphiQL: the example queries as tabs, the header editor open for tokens.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("masthead-graphiql-config").textContent);
  var tabs = config.examples.map(function (example) {
    return { query: example.query, variables: JSON.stringify(example.variables, null, 2) };
  });
  var props = {
    fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
    defaultTabs: tabs,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: "headers",
  };
  // GraphiQL fills the first tab's variable editor from `variables` alone, not from
  // `defaultTabs`: hand it the first example's on a first visit (no saved tabs yet).
  if (tabs.length && !savedTabs()) {
    props.variables = tabs[0].variables;
  }
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, props)
  );

  function savedTabs() {
    try {
      return window.localStorage.getItem("graphiql:tabState") !== null;
    } catch (error) {
      return false; // storage disabled: GraphiQL starts from the default tabs every time
    }
  }
})();
