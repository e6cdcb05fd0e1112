-- wrk script: sends the requests of REQUESTS_FILE in turn, one per line, tab-separated:
--   METHOD <tab> PATH <tab> HEADER: VALUE[|HEADER: VALUE...] <tab> BODY
-- Written by bench/common.py (every hold line holds a different free seat).
local requests = {}
for line in io.lines(os.getenv("REQUESTS_FILE")) do
  local method, path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
  local parsed = {}
  for name, value in headers:gmatch("([^|:]+): ([^|]*)") do parsed[name] = value end
  if body == "" then body = nil end
  requests[#requests + 1] = {method, path, parsed, body}
end
local formatted = {}
local n = 0

-- Formatted on first use, in the thread: only then does wrk know the Host header
-- (Node's HTTP server, under Prism, refuses a request without one).
request = function()
  n = n + 1
  local i = ((n - 1) % #requests) + 1
  local raw = formatted[i]
  if raw == nil then
    local r = requests[i]
    raw = wrk.format(r[1], r[2], r[3], r[4])
    formatted[i] = raw
  end
  return raw
end

done = function(summary, latency, requests_done)
  io.write(string.format("BENCH requests=%d non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f rps=%.1f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
