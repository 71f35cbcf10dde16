-- GET the URL given to wrk (the empty endpoint) and report.
local report = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

done = report.done
