// Masthead's GraphiQL: the example queries as tabs, the header editor open for tokens.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("masthead-graphiql-config").textContent);
  // GraphiQL's dialogs add a <style> element; it carries this global's nonce, which the
  // page's Content-Security-Policy trusts.
  window.__webpack_nonce__ = document.getElementById("masthead-graphiql-style").nonce;
  var tabs = config.examples.map(function (example) {
    return { query: example.query, variables: JSON.stringify(example.variables, null, 2) };
  });
  // Subscriptions go over a WebSocket to the same endpoint; GraphiQL hands the header
  // editor's headers (the token) to it as the `connection_init` payload.
  var socketUrl = new URL(config.endpoint, window.location.href);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
  var send = GraphiQL.createFetcher({ url: config.endpoint, subscriptionUrl: socketUrl.href });
  var props = {
    fetcher: fetcher,
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

  // Right after a tab switch GraphiQL may still send the previous tab's operationName,
  // which the server rightly refuses: send a name only when this document defines it.
  function fetcher(params, options) {
    var name = params.operationName;
    if (name && !definesOperation(params.query || "", name)) {
      params = Object.assign({}, params, { operationName: undefined });
    }
    return send(params, options);
  }

  function definesOperation(query, name) {
    var pattern = new RegExp("\\b(query|mutation|subscription)\\s+" + name + "\\b");
    return pattern.test(query);
  }

  function savedTabs() {
    try {
      return window.localStorage.getItem("graphiql:tabState") !== null;
    } catch (error) {
      return false; // storage disabled: GraphiQL starts from the default tabs every time
    }
  }
})();
