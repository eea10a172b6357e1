"""tccli (the official CLI, built on the Python SDK) against tcredis-mock.

Run by `cargo xtask interop` in target/interop/venv-tccli, against a mock with
`--strict-signing` (no loopback leniency). tccli reaches plain HTTP only
through `--endpoint http://127.0.0.1:PORT` (it then sends `Host: http://127.0.0.1:PORT`, which
the mock must sign-check as sent). Credentials come from TENCENTCLOUD_SECRET_ID/KEY in the
environment (never argv); the proxy variables are unset by xtask; HOME is a scratch folder so
tccli's own ~/.tccli files and log stay out of the user's home.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop_common import (  # noqa: E402
    REGION, Runner, Seed, check, check_eq, check_instances_match, check_items_match, env, has_tags, mock_url,
)

URL, _ = mock_url()
SEED = Seed()
TCCLI = env("TCREDIS_TCCLI")
SCAN_DIR = env("TCREDIS_SCAN_DIR")
runner = Runner("tccli")


# tccli's scheme stays "https" even for an http:// endpoint, so it would send loopback traffic
# through HTTPS_PROXY, and NO_PROXY cannot exempt it (it is matched against "http://host:port").
CHILD_ENV = {k: v for k, v in os.environ.items() if k.lower() not in ("https_proxy", "http_proxy", "all_proxy", "no_proxy")}


def tccli(*args, region=REGION, action="DescribeInstanceBackups"):
    cmd = [TCCLI, "redis", action, "--endpoint", URL, "--region", region, *args]
    proc = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL, env=CHILD_ENV)
    stdout = proc.stdout.decode("utf-8")
    stderr = proc.stderr.decode("utf-8", "replace")
    # Every word tccli printed goes to the secret-scan folder (not to the terminal: it is long).
    with open(os.path.join(SCAN_DIR, "interop-tccli-tool-output.log"), "a", encoding="utf-8") as log:
        log.write("$ tccli %s\n[exit %d]\n--- stdout\n%s--- stderr\n%s\n" % (" ".join(args), proc.returncode, stdout, stderr))
    return proc.returncode, stdout, stderr


@runner.case
def describe_auto_backup_config_of_the_scheduled_instance():
    _, data = ok_json("--InstanceId", "crs-interop05", region="ap-chengdu", action="DescribeAutoBackupConfig")
    check_eq(data["TimePeriod"], "02:00-03:00", "TimePeriod")
    check_eq(len(data["WeekDays"]), 7, "WeekDays")
    check_eq(data["BackupStorageDays"], 3, "BackupStorageDays")


def ok_json(*args, **kw):
    code, out, err = tccli(*args, **kw)
    check_eq(code, 0, "tccli exit code (stderr: %s)" % err.strip()[-300:])
    return out, json.loads(out)


@runner.case
def lists_an_instance_with_default_limit():
    # crs-interop03 has 250 backups, so the API's default Limit (20) shows: exactly the first 20.
    _, data = ok_json("--InstanceId", "crs-interop03")
    expected = SEED.listing("crs-interop03")
    check(len(expected) > 20, "the default-limit case needs an instance with more than 20 backups")
    check_eq(data["TotalCount"], len(expected), "TotalCount")
    check_items_match(data["BackupSet"], expected[:20], "tccli output (default Limit 20)", absent_as_null=True)
    check(data.get("RequestId"), "RequestId printed")


@runner.case
def limit_and_offset_page_through_the_big_instance():
    _, data = ok_json("--InstanceId", "crs-interop03", "--Limit", "5", "--Offset", "5")
    expected = SEED.listing("crs-interop03")
    check_eq(data["TotalCount"], len(expected), "TotalCount")
    check_items_match(data["BackupSet"], expected[5:10], "page 2 of 5", absent_as_null=True)


@runner.case
def status_json_array_filters():
    _, data = ok_json("--InstanceId", "crs-interop01", "--Status", "[1]")
    check_items_match(data["BackupSet"], SEED.listing("crs-interop01", statuses={1}), "Status [1]", absent_as_null=True)


@runner.case
def filter_selects_backup_ids():
    _, data = ok_json("--InstanceId", "crs-interop01", "--Limit", "100", "--filter", "BackupSet[].BackupId")
    check_eq(data, SEED.ids("crs-interop01"), "--filter BackupSet[].BackupId")


@runner.case
def filter_selects_total_count():
    _, data = ok_json("--InstanceId", "crs-interop03", "--filter", "TotalCount")
    check_eq(data, 250, "--filter TotalCount")


@runner.case
def non_ascii_name_is_printed_unescaped():
    out, data = ok_json("--InstanceName", "测试实例", "--Limit", "100")
    check_items_match(data["BackupSet"], SEED.listing("crs-interop02"), "InstanceName 测试实例", absent_as_null=True)
    check("测试实例-备份" in out, "tccli prints UTF-8 unescaped (ensure_ascii=False)")


@runner.case
def unknown_instance_fails_with_the_code_on_stderr():
    code, out, err = tccli("--InstanceId", "crs-doesnotexist")
    check(code != 0, "non-zero exit for an API error (got %d)" % code)
    check("ResourceNotFound.InstanceNotExists" in err, "error code on stderr (got %r)" % err.strip()[-300:])
    check("requestId" in err, "RequestId on stderr")


@runner.case
def bad_limit_fails_with_invalid_parameter():
    code, _, err = tccli("--InstanceId", "crs-interop01", "--Limit", "0")
    check(code != 0, "non-zero exit for Limit 0")
    check("InvalidParameter.InvalidParameter" in err, "error code on stderr (got %r)" % err.strip()[-300:])


@runner.case
def describe_instances_prints_the_region_in_instance_id_order():
    _, data = ok_json("--Limit", "1000", action="DescribeInstances")
    expected = SEED.described(REGION)
    check_eq(data["TotalCount"], len(expected), "TotalCount")
    check_instances_match(data["InstanceSet"], expected, "tccli DescribeInstances")


@runner.case
def describe_instances_tag_filter_and_jmespath():
    _, data = ok_json("--InstanceTags", '[{"TagKey": "env", "TagValue": "prod"}]', "--filter", "InstanceSet[].InstanceId",
                      action="DescribeInstances")
    check_eq(data, [i["InstanceId"] for i in SEED.described(REGION, lambda i: has_tags(i, ("env", "prod")))],
             "InstanceTags env=prod")


if __name__ == "__main__":
    runner.run()
