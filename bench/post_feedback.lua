-- wrk script: POST /feedback with a fixed body (KEY and VERSION from the environment).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("KEY")
wrk.body = '{"model_version_id":"' .. os.getenv("VERSION") .. '","rating":4,"comment":"bench"}'
