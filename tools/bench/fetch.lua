-- wrk script: fetches the newest 20 messages of one conversation.
-- Reads TALKER, COOKIE.
wrk.method = "GET"
wrk.path = "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=" .. os.getenv("TALKER")
  .. "&session_type=1&size=20"
wrk.headers["Cookie"] = os.getenv("COOKIE")
