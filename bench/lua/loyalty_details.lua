-- GET /v2/customers/{id}/loyaltyDetails of the customer whose id is the first argument.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local path = ""

setup = report.setup
done = report.done

function init(args)
  path = "/v2/customers/" .. args[1] .. "/loyaltyDetails"
end

function request()
  return wrk.format("GET", path)
end
