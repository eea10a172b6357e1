"""List every backup through the official Python SDK, the loop a user would write: Limit 100,
Offset += 100 while Offset < TotalCount, one JSON object per line on stdout (like
`tcredis backups list --all --output ndjson`).

Usage: python list_all.py HOST:PORT   (plain HTTP; credentials from TENCENTCLOUD_SECRET_ID and
TENCENTCLOUD_SECRET_KEY; region ap-guangzhou).
"""

import json
import os
import sys

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.redis.v20180412 import models, redis_client


def main():
    endpoint = sys.argv[1]
    cred = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=endpoint, reqTimeout=30))
    client = redis_client.RedisClient(cred, "ap-guangzhou", profile)
    out = sys.stdout
    offset, total = 0, None
    while total is None or offset < total:
        req = models.DescribeInstanceBackupsRequest()
        req.Limit = 100
        req.Offset = offset
        resp = client.DescribeInstanceBackups(req)
        total = resp.TotalCount
        for backup in resp.BackupSet:
            out.write(json.dumps(backup._serialize(allow_none=False), ensure_ascii=False))
            out.write("\n")
        if not resp.BackupSet:
            break
        offset += 100


if __name__ == "__main__":
    main()
