-- POST /v2/transactions: a REGULAR bill of 1,000 with a bill number unique in the run, for a
-- customer of the pool drawn at random, named by INSTORE mobile (identifierName=mobile).
-- Arguments: the file of the pool's mobiles (one a line), and a one-digit phase (the warm-up and
-- the measured run never reuse a bill number).
-- Headers (Authorization, Content-Type) come from wrk's -H options.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local PATH = "/v2/transactions?identifierName=mobile&identifierValue=%s&source=INSTORE"
local BODY = '{"type": "REGULAR", "billNumber": "%s", "billAmount": 1000}'

local mobiles = {}
local phase = "1"
local sent = 0

setup = report.setup
done = report.done

function init(args)
  mobiles = report.lines(args[1])
  phase = args[2] or phase
  -- Each thread draws its own sequence.
  math.randomseed(os.time() + 7919 * thread_number)
end

function request()
  sent = sent + 1
  -- wrk + phase + thread + a 9-digit counter: unique per request of the suite.
  local bill = string.format("wrk%s%d%09d", phase, thread_number, sent)
  local mobile = mobiles[math.random(#mobiles)]
  return wrk.format("POST", string.format(PATH, mobile), nil, string.format(BODY, bill))
end
