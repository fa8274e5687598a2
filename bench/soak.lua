-- Soak mix for `make bench`: cached guide pages (national and provincial), the
-- start page, a certificate overview, uncached renders (a query string bypasses
-- the page cache), the health check and the sitemap. Counts 5xx answers.
local paths = {
  "/",
  "/guides/professional-title/",
  "/guides/skill-certificate/lost/",
  "/guides/professional-title/damaged/beijing/",
  "/guides/professional-qualification/cross-province/shanghai/",
  "/guides/skill-certificate/urgent/guangdong/",
  "/guides/skill-certificate/lost/guangdong/?soak=1",
  "/guides/professional-title/cross-province/?soak=2",
  "/healthz",
  "/robots.txt",
}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  i = 0
  server_errors = 0
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("server_errors")
  end
  io.write(string.format("5xx %d\n", total))
end
