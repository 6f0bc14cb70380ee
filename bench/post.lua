-- wrk script: POST one JSON body, count GraphQL errors, print a JSON summary line.
-- Usage: wrk ... -s bench/post.lua URL -- BODY_FILE

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(args[1], "rb"))
   wrk.method = "POST"
   wrk.body = file:read("*a")
   file:close()
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Accept"] = "application/json"
   graphql_errors = 0
end

function response(status, headers, body)
   if status == 200 and string.find(body, '"errors"', 1, true) then
      graphql_errors = graphql_errors + 1
   end
end

function done(summary, latency, requests)
   local errors = 0
   for _, thread in ipairs(threads) do
      errors = errors + thread:get("graphql_errors")
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "seconds": %.6f, "graphql_errors": %d, '
         .. '"http_errors": %d, "socket_errors": %d, "p50_ms": %.3f, "p99_ms": %.3f}\n',
      summary.requests, summary.duration / 1e6, errors, e.status,
      e.connect + e.read + e.write + e.timeout,
      latency:percentile(50.0) / 1000.0, latency:percentile(99.0) / 1000.0
   ))
end
