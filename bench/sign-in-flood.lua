-- wrk script for bench/parts/flood.ts: a sign-in flood. Requests rotate over four bodies: the
-- known account with its right password, with a wrong one, and two unknown addresses, so the
-- flood mixes successes, failures and dummy checks (argon2 either way).
--   wrk -t2 -c2000 -d15s -s bench/sign-in-flood.lua http://127.0.0.1:PORT/v1/auth/sign-in -- <email> <password>
-- done() prints one JSON line for the runner, with the count of responses by status.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local email, password = args[1], args[2]
  local headers = { ["Content-Type"] = "application/json" }
  local body = function(e, p)
    return wrk.format("POST", wrk.path, headers, '{"email":"' .. e .. '","password":"' .. p .. '","client_id":"cli"}')
  end
  requests = {
    body(email, password),
    body("nobody-" .. math.random(1000000) .. "@flood.test", "a wrong password 0123456789"),
    body(email, "a wrong password 0123456789"),
    body("nobody-" .. math.random(1000000) .. "@flood.test", password),
  }
  next_index = math.random(#requests)
  statuses = {}
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, _requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")))
end
