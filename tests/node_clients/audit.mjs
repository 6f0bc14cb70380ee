// graphql-http's GraphQL-over-HTTP server audits against the URL given: one JSON line each.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const response = result.response;
  console.log(
    JSON.stringify({
      id: audit.id,
      name: audit.name,
      status: result.status,
      reason: result.reason ?? null,
      httpStatus: response ? response.status : null,
      contentType: response ? response.headers.get('content-type') : null,
    }),
  );
}
