// graphql-ws's client subscribing to Masthead as docs/subscriptions.md shows: prints the
// first change it is told of as one JSON line, then exits.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket, // Node 22 has one built in; Node 20 does not
  connectionParams: { Authorization: `Bearer ${token}` },
});
const query = `subscription ($types: [ContentType!]) {
  contentChanged(types: $types) { action type id node { ... on Post { slug title } } }
}`;
for await (const result of client.iterate({ query, variables: { types: ["POST"] } })) {
  console.log(JSON.stringify(result));
  break;
}
await client.dispose();
