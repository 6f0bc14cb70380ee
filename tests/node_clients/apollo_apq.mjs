// Apollo Client's automatic persisted queries against a live Masthead: prints what it saw.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";
import { createHash } from "node:crypto";

const [url, accept = "*/*"] = process.argv.slice(2);
const exchanges = [];

async function recordingFetch(input, init) {
  const response = await fetch(input, init);
  const body = await response.clone().json();
  exchanges.push({
    method: init?.method ?? "GET",
    sentQuery: String(input).includes("query=") || String(init?.body ?? "").includes('"query"'),
    status: response.status,
    code: body.errors?.[0]?.extensions?.code ?? null,
  });
  return response;
}

const sha256 = (document) => createHash("sha256").update(document).digest("hex");
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
  new HttpLink({ uri: url, fetch: recordingFetch, headers: { accept } }),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });
const query = gql`
  query Titles {
    posts(first: 3) {
      nodes {
        title
      }
    }
  }
`;
const results = [];
for (let run = 0; run < 2; run += 1) {
  const { data } = await client.query({ query, fetchPolicy: "network-only" });
  results.push(data.posts.nodes.length);
}
console.log(JSON.stringify({ results, exchanges }));
