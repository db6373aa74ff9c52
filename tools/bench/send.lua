-- wrk script: each request sends a new text message (distinct timestamps,
-- so no send is taken for a retry). Reads SENDER, RECEIVER, COOKIE, CSRF.
local sender = os.getenv("SENDER")
local receiver = os.getenv("RECEIVER")
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = os.getenv("COOKIE"),
}
local csrf = os.getenv("CSRF")
-- START keeps runs apart: a repeated (timestamp, content) would be a retry.
local counter = tonumber(os.getenv("START") or "0")

request = function()
  counter = counter + 1
  local body = "msg%5Bsender_uid%5D=" .. sender
    .. "&msg%5Breceiver_id%5D=" .. receiver
    .. "&msg%5Breceiver_type%5D=1&msg%5Bmsg_type%5D=1&msg%5Bmsg_status%5D=0"
    .. "&msg%5Bdev_id%5D=bench&msg%5Btimestamp%5D=" .. counter
    .. "&msg%5Bcontent%5D=%7B%22content%22%3A%22hello%20" .. counter .. "%22%7D"
    .. "&csrf=" .. csrf
  return wrk.format("POST", "/web_im/v1/web_im/send_msg", headers, body)
end
