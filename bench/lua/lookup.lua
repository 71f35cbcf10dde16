-- GET /v2/customers/lookup by mobile over the mobiles in the file given as the first argument.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local mobiles = {}
local next_index = 0

setup = report.setup
done = report.done

function init(args)
  mobiles = report.lines(args[1])
  next_index = (thread_number * 7919) % #mobiles
end

function request()
  next_index = next_index % #mobiles + 1
  return wrk.format(
    "GET",
    "/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue="
      .. mobiles[next_index]
  )
end
