"""Signing speed of the official Python SDK (tencentcloud-sdk-python-common), for the same
request the Rust benches sign. Prints one JSON object.

Two figures: the SDK's whole TC3 request-building path (`_build_req_with_tc3_signature`: JSON
body, headers, key derivation, canonical request, string-to-sign, signature, Authorization) and
its signature alone (`_get_tc3_signature` on a prepared request: canonical request,
string-to-sign, key derivation, HMAC), and `Sign.sign_tc3` (key derivation + final HMAC only). Both are internal methods of
AbstractClient, called exactly as `call_json` calls them; nothing is re-implemented here.
Timing: timeit, `repeat` rounds of `number` calls; the median round and the range are reported.
"""

import json
import sys
import timeit

from tencentcloud.common import credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.sign import Sign
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.redis.v20180412 import redis_client

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
PARAMS = {
    "Limit": 100,
    "Offset": 0,
    "InstanceId": "crs-5a4py64p",
    "BeginTime": "2026-06-01 00:00:00",
    "EndTime": "2026-06-30 23:59:59",
    "Status": [2, 4],
}
NUMBER = 2000
REPEAT = 7


def main():
    profile = ClientProfile(httpProfile=HttpProfile(endpoint="redis.tencentcloudapi.com", reqMethod="POST"))
    client = redis_client.RedisClient(credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", profile)

    def new_request():
        return RequestInternal(client._get_endpoint(), "POST", "/")

    def full():
        client._build_req_with_tc3_signature("DescribeInstanceBackups", PARAMS, new_request())

    prepared = new_request()
    client._build_req_with_tc3_signature("DescribeInstanceBackups", PARAMS, prepared)
    assert prepared.header["Authorization"].startswith("TC3-HMAC-SHA256 Credential=" + SECRET_ID)

    def signature_only():
        client._get_tc3_signature(PARAMS, prepared, "2026-05-28", "redis", SECRET_KEY)

    string_to_sign = "TC3-HMAC-SHA256\n1780000000\n2026-05-28/redis/tc3_request\n" + "0" * 64

    def sign_tc3():
        Sign.sign_tc3(SECRET_KEY, "2026-05-28", "redis", string_to_sign)

    out = {"python": sys.version.split()[0], "number": NUMBER, "repeat": REPEAT}
    for name, fn in (("full", full), ("signature", signature_only), ("sign_tc3", sign_tc3)):
        rounds = timeit.repeat(fn, number=NUMBER, repeat=REPEAT)
        per_call_ns = sorted(r / NUMBER * 1e9 for r in rounds)
        out[name] = {
            "median_ns": per_call_ns[len(per_call_ns) // 2],
            "min_ns": per_call_ns[0],
            "max_ns": per_call_ns[-1],
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
