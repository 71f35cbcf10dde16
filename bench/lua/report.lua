-- wrk's figures as one JSON line the bench reads: counts, and latencies in microseconds.
local report = {}

function report.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %.0f, '
      .. '"p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "mean_us": %.1f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- Number wrk's threads 0, 1, … from the main state, before each thread's init().
local threads = 0
function report.setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

-- Read one value a line.
function report.lines(path)
  local values = {}
  for line in io.lines(path) do
    if line ~= "" then
      values[#values + 1] = line
    end
  end
  assert(#values > 0, "no values in " .. path)
  return values
end

return report
