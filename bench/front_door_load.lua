-- wrk script for bench/front_door_load.sh: the front door's final consent POST
-- (`POST /report/done` with consent=yes), the one that stores a report.
--
-- Each stored report is one per form token (a resubmitted token shows the same
-- reference and stores nothing), so every request carries a token of its own, taken
-- from a pool the shell script fetched beforehand from the start page (`GET /report`).
-- Arguments (after `--`): the pool's file (one URL-encoded token a line), the number of
-- wrk threads, and the file holding the rest of the form body (the answers).
-- The pool is split between the threads (line i to thread i mod threads). A thread that
-- runs out of tokens wraps around and counts the reuse: those requests are resubmissions,
-- not stores, and the shell script counts them as errors (make the pool larger).
--
-- Counts every answer that is not 200, and of the 200s those showing "Report complete"
-- (a record was kept), and prints machine-readable figures at the end:
--   BENCH requests N / duration_us N / p50_us N / p99_us N / non200 N / socket_errors N
--   BENCH complete N / fresh N / reused N / pool N
--
-- It never stops a run: wrk's own -d ends every run (as bench/dashboard_load.lua).

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   non200 = 0
   complete = 0
   fresh = 0
   reused = 0
   local nthreads = tonumber(args[2])
   tokens = {}
   local i = 0
   for line in io.lines(args[1]) do
      if i % nthreads == id then
         tokens[#tokens + 1] = line
      end
      i = i + 1
   end
   pool = #tokens
   local file = assert(io.open(args[3], "r"))
   answers = file:read("*a"):gsub("%s+$", "")
   file:close()
   headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
   used = 0
end

function request()
   used = used + 1
   local token
   if used <= pool then
      fresh = fresh + 1
      token = tokens[used]
   else
      reused = reused + 1
      token = tokens[(used - 1) % pool + 1]
   end
   return wrk.format("POST", "/report/done", headers, answers .. "&token=" .. token)
end

function response(status, headers, body)
   if status ~= 200 then
      non200 = non200 + 1
   elseif string.find(body, "Report complete", 1, true) then
      complete = complete + 1
   end
end

function done(summary, latency, requests)
   local sums = { non200 = 0, complete = 0, fresh = 0, reused = 0, pool = 0 }
   for _, thread in ipairs(threads) do
      for key, _ in pairs(sums) do
         sums[key] = sums[key] + (thread:get(key) or 0)
      end
   end
   local e = summary.errors
   io.write(string.format("BENCH requests %d\n", summary.requests))
   io.write(string.format("BENCH duration_us %d\n", summary.duration))
   io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
   io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
   io.write(string.format("BENCH non200 %d\n", sums.non200))
   io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
   io.write(string.format("BENCH complete %d\n", sums.complete))
   io.write(string.format("BENCH fresh %d\n", sums.fresh))
   io.write(string.format("BENCH reused %d\n", sums.reused))
   io.write(string.format("BENCH pool %d\n", sums.pool))
end
