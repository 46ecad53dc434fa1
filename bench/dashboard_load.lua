-- wrk script for bench/dashboard_load.sh.
--
-- Counts every answer that is not 200 (wrk itself only counts statuses >= 400, so a
-- redirect to /sign-in after a lost session would pass as a success) and prints
-- machine-readable figures at the end:
--   BENCH requests N / duration_us N / p50_us N / p99_us N / non200 N / socket_errors N
--
-- It never stops a run: wrk's own -d ends every run. (Stopping early from a response
-- callback raced wrk's main thread, which could then sleep out the whole -d or be
-- killed before printing.)

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non200 = 0
end

function response(status, headers, body)
   if status ~= 200 then
      non200 = non200 + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non200") or 0)
   end
   local e = summary.errors
   io.write(string.format("BENCH requests %d\n", summary.requests))
   io.write(string.format("BENCH duration_us %d\n", summary.duration))
   io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
   io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
   io.write(string.format("BENCH non200 %d\n", bad))
   io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
end
