-- GET /v2/customers/{id}?source=INSTORE over the ids in the file given as the first argument.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local ids = {}
local next_index = 0

setup = report.setup
done = report.done

function init(args)
  ids = report.lines(args[1])
  next_index = (thread_number * 7919) % #ids
end

function request()
  next_index = next_index % #ids + 1
  return wrk.format("GET", "/v2/customers/" .. ids[next_index] .. "?source=INSTORE")
end
