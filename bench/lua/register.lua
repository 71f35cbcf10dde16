-- POST /v2/customers: one INSTORE profile with a mobile and an email, both unique in the run.
-- Arguments: a one-digit phase (the warm-up and the measured run never collide).
-- Headers (Authorization, Content-Type) come from wrk's -H options.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local BODY = '{"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [{"firstName": "Tom", '
  .. '"lastName": "Sawyer", "source": "INSTORE", "identifiers": ['
  .. '{"type": "mobile", "value": "919%s"}, {"type": "email", "value": "c%s@example.com"}]}], '
  .. '"extendedFields": {"gender": "Male", "city": "Bangalore"}}'

local phase = "1"
local sent = 0

setup = report.setup
done = report.done

function init(args)
  phase = args[1] or phase
end

function request()
  sent = sent + 1
  -- 919 + phase + thread + a 7-digit counter: a valid Indian mobile, unique per request.
  local n = string.format("%s%d%07d", phase, thread_number, sent)
  return wrk.format("POST", "/v2/customers", nil, string.format(BODY, n, n))
end
