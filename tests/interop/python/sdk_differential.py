"""Signing differential: the official Python SDK signs, tcredis-core re-signs the same bytes.

Run by `cargo xtask interop` in target/interop/venv-sdk against a mock started with
`--strict-signing --journal-exact-requests`. Sends TCREDIS_DIFFERENTIAL_REQUESTS random
DescribeInstanceBackups requests (seeded: the same every run) with the official SDK, TC3-signed
with the differential SecretId (TCREDIS_DIFFERENTIAL_SECRET_ID, key TENCENTCLOUD_SECRET_KEY):
POST and GET, every parameter present or absent, non-ASCII names, Status lists, time windows,
two regions and two languages. A request passes when the strict mock did not refuse its
signature (business errors such as InvalidParameter are fine: the signature was accepted).

Then it saves the mock's journal (which holds each request's exact signed bytes and the SDK's
Authorization) to TCREDIS_INTEROP_JOURNAL, where `crates/mock/tests/sdk_differential.rs` has
core sign the same bytes and compares the Authorization byte for byte.
Prints `interop-summary: suite=sdk-differential ran=N passed=M`; nothing secret.
"""
import json
import os
import random
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop_common import env, mock_url  # noqa: E402

from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.redis.v20180412 import models, redis_client  # noqa: E402

URL, HOST_PORT = mock_url()
SECRET_ID = env("TCREDIS_DIFFERENTIAL_SECRET_ID")
SECRET_KEY = env("TENCENTCLOUD_SECRET_KEY")
COUNT = int(env("TCREDIS_DIFFERENTIAL_REQUESTS"))
JOURNAL = env("TCREDIS_INTEROP_JOURNAL")

INSTANCES = ["crs-interop01", "crs-interop02", "crs-interop03", "crs-interop04", "crs-doesnotexist"]
NAMES = ["测试实例", "interop", "备份 ✓", "a b&c=d+e%f/?#", "interop-big", "'quoted' \"name\"", "x" * 60]


def random_time(rng):
    return "2026-%02d-%02d %02d:%02d:%02d" % (
        rng.randint(10, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def random_params(rng):
    params = {}
    if rng.random() < 0.7:
        params["Limit"] = rng.choice([rng.randint(1, 100), 20, 100, 0, 101])
    if rng.random() < 0.5:
        params["Offset"] = rng.randint(0, 300)
    if rng.random() < 0.7:
        params["InstanceId"] = rng.choice(INSTANCES)
    if rng.random() < 0.3:
        params["InstanceName"] = rng.choice(NAMES)
    if rng.random() < 0.5:
        params["Status"] = rng.sample([-2, -1, 1, 2, 3, 4], rng.randint(1, 4))
    if rng.random() < 0.3:
        params["BeginTime"] = random_time(rng)
    if rng.random() < 0.3:
        params["EndTime"] = random_time(rng)
    return params


def client(rng):
    method = rng.choice(["POST", "GET"])
    hp = HttpProfile(protocol="http", endpoint=HOST_PORT, reqMethod=method, reqTimeout=10)
    profile = ClientProfile(httpProfile=hp, signMethod="TC3-HMAC-SHA256",
                            language=rng.choice(["zh-CN", "en-US"]))
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    return redis_client.RedisClient(cred, rng.choice(["ap-guangzhou", "ap-shanghai"]), profile), method


def main():
    rng = random.Random(20261203)
    passed = 0
    by_method = {"POST": 0, "GET": 0}
    for n in range(COUNT):
        c, method = client(rng)
        req = models.DescribeInstanceBackupsRequest()
        req.from_json_string(json.dumps(random_params(rng)))
        try:
            c.DescribeInstanceBackups(req)
            ok = True
        except TencentCloudSDKException as e:
            ok = not (e.get_code() or "").startswith("AuthFailure")
            if not ok:
                print("FAIL request %d (%s): the strict mock refused the SDK's signature: %s"
                      % (n, method, e.get_code()), flush=True)
        passed += ok
        by_method[method] += 1
    with urllib.request.urlopen(URL + "/_mock/journal", timeout=30) as resp:
        journal = resp.read()
    with open(JOURNAL, "wb") as f:
        f.write(journal)
    print("sdk-differential: %d requests (%d POST, %d GET), %d accepted by the strict mock; journal saved"
          % (COUNT, by_method["POST"], by_method["GET"], passed), flush=True)
    print("interop-summary: suite=sdk-differential ran=%d passed=%d" % (COUNT, passed), flush=True)
    sys.exit(0 if passed == COUNT else 1)


if __name__ == "__main__":
    main()
