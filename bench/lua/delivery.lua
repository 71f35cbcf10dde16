-- POST the body of one webhook request, as the dispatcher sends it, to the delivery bench's
-- receiver. Arguments: the file holding the body. Headers come from wrk's -H options.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local body = nil

setup = report.setup
done = report.done

function init(args)
  local file = assert(io.open(args[1], "rb"))
  body = file:read("*a")
  file:close()
end

function request()
  return wrk.format("POST", nil, nil, body)
end
