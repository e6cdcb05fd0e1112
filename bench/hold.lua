-- wrk script: every request holds a different free seat for a new order.
-- Bodies come from bench/.holds.json (one JSON body per line), written by bench/run.py.
local bodies = {}
for line in io.lines(os.getenv("HOLDS_FILE")) do bodies[#bodies + 1] = line end
local n = 0
local api_key = os.getenv("API_KEY") or "sim-marketplace-key"

request = function()
  n = n + 1
  local body = bodies[((n - 1) % #bodies) + 1]
  return wrk.format("POST", "/sales/v1/Stubhub", {
    ["Content-Type"] = "application/json", ["x-api-key"] = api_key,
  }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f rps=%.1f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
