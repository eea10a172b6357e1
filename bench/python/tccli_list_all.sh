#!/usr/bin/env bash
# List every backup with tccli, one process per page (how a shell user pages with tccli):
# Limit 100, Offset 0, 100, ... up to TOTAL. Usage: tccli_list_all.sh TCCLI URL TOTAL
# Credentials from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.
set -euo pipefail
tccli=$1 url=$2 total=$3
for ((offset = 0; offset < total; offset += 100)); do
    "$tccli" redis DescribeInstanceBackups --endpoint "$url" --region ap-guangzhou \
        --Limit 100 --Offset "$offset"
done
