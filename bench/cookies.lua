-- wrk script for bench/run.ts: every request carries a session cookie, rotating over the tokens
-- in the file given after `--` (one per line); done() prints one JSON line for the runner.
--   wrk -t1 -c50 -d10s -s bench/cookies.lua http://127.0.0.1:PORT/v1/me/session -- tokens.txt
-- With `raw` after the file, each line is a whole Cookie header (Better Auth's cookies):
--   wrk … http://127.0.0.1:PORT/api/auth/get-session -- cookies.txt raw
-- With `introspect <service-key>` after the file, each request is sessiond's introspection call
-- instead: a POST of `{"token":"<token>"}` as JSON, with the service key as a Bearer token:
--   wrk … http://127.0.0.1:PORT/v1/introspect -- tokens.txt introspect sk_…

local requests = {}
local count = 0
local next_index = 1

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open tokens file")
  local path = wrk.path
  local prefix = args[2] == "raw" and "" or "__Host-sessiond="
  local introspect = args[2] == "introspect"
  for token in file:lines() do
    if token ~= "" then
      count = count + 1
      if introspect then
        local headers = { ["Authorization"] = "Bearer " .. args[3], ["Content-Type"] = "application/json" }
        requests[count] = wrk.format("POST", path, headers, '{"token":"' .. token .. '"}')
      else
        requests[count] = wrk.format("GET", path, { ["Cookie"] = prefix .. token })
      end
    end
  end
  file:close()
  assert(count > 0, "no tokens")
  -- Threads (and runs) start at different points of the rotation.
  next_index = math.random(count)
end

function request()
  local r = requests[next_index]
  next_index = next_index % count + 1
  return r
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
