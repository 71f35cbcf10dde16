-- POST /v2/customers/bulk: one item registering a fleet owner (role OWNER of demo-fleet) with
-- two new drivers (role DRIVER); the owner's user group is created and both drivers join it.
-- Every mobile is unique in the run. Arguments: a one-digit phase (the warm-up and the measured
-- run never collide). Headers (Authorization, Content-Type) come from wrk's -H options.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local PERSON = '{"profiles": [{"firstName": "%s", "lastName": "Fleet", "source": "INSTORE", '
  .. '"identifiers": [{"type": "mobile", "value": "%s"}]}]}'
local BODY = '[{"profiles": [{"firstName": "Owner", "lastName": "Fleet", "source": "INSTORE", '
  .. '"identifiers": [{"type": "mobile", "value": "%s"}]}], '
  .. '"loyaltyInfo": {"loyaltyType": "loyalty"}, '
  .. '"associationDetails": {"hierarchyCode": "demo-fleet", "roleCode": "OWNER", '
  .. '"childRoleCode": "DRIVER", "childCustomers": [%s, %s]}}]'

local phase = "1"
local sent = 0

setup = report.setup
done = report.done

function init(args)
  phase = args[1] or phase
end

function request()
  sent = sent + 1
  -- 91 + 8/7/6 + phase + thread + a 7-digit counter: valid Indian mobiles, unique per request
  -- (register.lua's start with 919).
  local n = string.format("%s%d%07d", phase, thread_number, sent)
  local first = string.format(PERSON, "Driver1", "917" .. n)
  local second = string.format(PERSON, "Driver2", "916" .. n)
  return wrk.format("POST", "/v2/customers/bulk", nil, string.format(BODY, "918" .. n, first, second))
end
