-- wrk script for bench/load/run.sh: sets the request from the arguments, stops sending new
-- requests at a fixed wall-clock instant so that every request sent is answered before wrk's
-- own deadline (nothing is in flight at the cut-off, so 2xx responses can be compared exactly
-- with rows persisted), and prints one line of JSON with the counts and latency percentiles.
--
-- wrk -s report.lua <url> -- <stop_at_epoch_ms> <method> [body]
--
-- Rates must be computed over the sending window (start .. stop_at), which the JSON reports,
-- not over wrk's whole duration: after stop_at the connections are idle.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")

local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local stop_at = math.huge
local started_at = now_ms()

-- The main state's copy of the arguments (setup/done run there, init runs in each thread).
function setup(thread)
  started_at = math.min(started_at, now_ms())
end

function init(args)
  stop_at = tonumber(args[1]) or math.huge
  wrk.method = args[2] or "GET"
  if args[3] and args[3] ~= "" then
    wrk.body = args[3]
    wrk.headers["Content-Type"] = "text/plain"
  end
end

-- One hour: longer than any run, so a connection past the cut-off simply stays idle.
local IDLE_MS = 3600 * 1000

function delay()
  if now_ms() >= stop_at then
    return IDLE_MS
  end
  return 0
end

function done(summary, latency, requests)
  local e = summary.errors
  local function ms(us) return us / 1000.0 end
  io.write(string.format(
    '{"started_at_ms":%.3f,"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_ms":{"mean":%.3f,"stdev":%.3f,"p50":%.3f,"p75":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f}}\n',
    started_at, summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    ms(latency.mean), ms(latency.stdev), ms(latency:percentile(50)), ms(latency:percentile(75)),
    ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency:percentile(99.9)),
    ms(latency.max)))
end
