"""The official Python SDK (tencentcloud-sdk-python-redis RedisClient) against tcredis-mock.

Run by `cargo xtask interop` in target/interop/venv-sdk, against a mock with `--strict-signing`
(no loopback leniency); see interop_common.py for the environment it reads. Covers TC3 over POST and GET, the legacy v1 signatures (HmacSHA256 over
POST form, HmacSHA1 over GET), errors surfacing as TencentCloudSDKException with the right code
and a RequestId, a full pagination loop, non-ASCII names, and region scoping.

With the mock clock: DescribeAutoBackupConfig, a frozen week of nightly backups of the scheduled
instance (appear running, finish, expire, a skipped night missing), and a CAM policy that denies
one instance to a second SecretId.
"""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop_common import (  # noqa: E402
    REGION, Runner, Seed, admin, check, check_eq, check_instances_match, check_items_match, clock, env, has_tags,
    mock_url,
)

from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.redis.v20180412 import models, redis_client  # noqa: E402

URL, HOST_PORT = mock_url()
SEED = Seed()
SECRET_ID = env("TENCENTCLOUD_SECRET_ID")
SECRET_KEY = env("TENCENTCLOUD_SECRET_KEY")
runner = Runner("python-sdk")


def client(method="POST", sign="TC3-HMAC-SHA256", key=None, region=REGION, secret_id=None):
    # protocol="http" with a bare host:port endpoint: Host is "127.0.0.1:PORT" (no scheme).
    hp = HttpProfile(protocol="http", endpoint=HOST_PORT, reqMethod=method, reqTimeout=10)
    profile = ClientProfile(httpProfile=hp, signMethod=sign)
    cred = credential.Credential(secret_id or SECRET_ID, key or SECRET_KEY)
    return redis_client.RedisClient(cred, region, profile)


def request(**params):
    req = models.DescribeInstanceBackupsRequest()
    req.from_json_string(json.dumps(params))
    return req


def instances_request(**params):
    req = models.DescribeInstancesRequest()
    req.from_json_string(json.dumps(params))
    return req


def instance_items(resp):
    """The InstanceSet as plain dicts with only the fields the server sent."""
    return [i._serialize() for i in (resp.InstanceSet or [])]


def items(resp):
    """The page as plain dicts with only the fields the server sent (SDK drops absent ones)."""
    return [b._serialize() for b in (resp.BackupSet or [])]


def expect_error(call, code):
    try:
        resp = call()
    except TencentCloudSDKException as e:
        check_eq(e.get_code(), code, "error code")
        check(e.get_request_id(), "the error carries a RequestId")
        check(e.get_message(), "the error carries a message")
        return e
    raise AssertionError("expected %s, got a response with TotalCount %r" % (code, resp.TotalCount))


@runner.case
def tc3_post_lists_one_instance_in_listing_order():
    resp = client().DescribeInstanceBackups(request(InstanceId="crs-interop01", Limit=100))
    expected = SEED.listing("crs-interop01")
    check_eq(resp.TotalCount, len(expected), "TotalCount")
    check_items_match(items(resp), expected, "page")
    check(resp.RequestId, "RequestId present")


@runner.case
def tc3_get_with_status_array_filters():
    resp = client(method="GET").DescribeInstanceBackups(
        request(InstanceId="crs-interop01", Status=[2, 4], Limit=50, Offset=0))
    expected = SEED.listing("crs-interop01", statuses={2, 4})
    check_eq(resp.TotalCount, len(expected), "TotalCount with Status [2, 4]")
    check_items_match(items(resp), expected, "GET page")


@runner.case
def v1_hmac_sha256_post_form():
    resp = client(sign="HmacSHA256").DescribeInstanceBackups(request(InstanceId="crs-interop01", Limit=5))
    expected = SEED.listing("crs-interop01")
    check_eq(resp.TotalCount, len(expected), "TotalCount")
    check_items_match(items(resp), expected[:5], "v1 HmacSHA256 page")


@runner.case
def v1_hmac_sha1_get_query():
    resp = client(method="GET", sign="HmacSHA1").DescribeInstanceBackups(
        request(InstanceId="crs-interop01", Limit=5, Offset=5, Status=[-1, -2, 1]))
    expected = SEED.listing("crs-interop01", statuses={-1, -2, 1})
    check_eq(resp.TotalCount, len(expected), "TotalCount")
    check_items_match(items(resp), expected[5:10], "v1 HmacSHA1 page")


@runner.case
def unknown_instance_is_resource_not_found():
    expect_error(lambda: client().DescribeInstanceBackups(request(InstanceId="crs-doesnotexist")),
                 "ResourceNotFound.InstanceNotExists")


@runner.case
def instance_of_another_region_is_resource_not_found():
    expect_error(lambda: client().DescribeInstanceBackups(request(InstanceId="crs-interop04")),
                 "ResourceNotFound.InstanceNotExists")
    resp = client(region="ap-shanghai").DescribeInstanceBackups(request(InstanceId="crs-interop04"))
    check_items_match(items(resp), SEED.listing("crs-interop04"), "ap-shanghai listing")


@runner.case
def wrong_secret_key_is_signature_failure():
    # A key unrelated to the real one, so nothing secret can surface in a message.
    expect_error(lambda: client(key="wrong-key-for-interop").DescribeInstanceBackups(
        request(InstanceId="crs-interop01")), "AuthFailure.SignatureFailure")


@runner.case
def wrong_secret_key_is_signature_failure_for_v1_too():
    expect_error(lambda: client(method="GET", sign="HmacSHA256", key="wrong-key-for-interop")
                 .DescribeInstanceBackups(request(InstanceId="crs-interop01")), "AuthFailure.SignatureFailure")


@runner.case
def limit_over_100_is_invalid_parameter():
    expect_error(lambda: client().DescribeInstanceBackups(request(InstanceId="crs-interop01", Limit=101)),
                 "InvalidParameter.InvalidParameter")


@runner.case
def begin_after_end_is_invalid_parameter():
    expect_error(lambda: client().DescribeInstanceBackups(request(
        InstanceId="crs-interop01", BeginTime="2026-11-20 00:00:00", EndTime="2026-11-19 00:00:00")),
        "InvalidParameter.InvalidParameter")


@runner.case
def pagination_loop_yields_every_backup_exactly_once():
    c = client()
    expected = SEED.ids("crs-interop03")
    seen, offset, pages = [], 0, 0
    while True:
        resp = c.DescribeInstanceBackups(request(InstanceId="crs-interop03", Limit=100, Offset=offset))
        pages += 1
        check_eq(resp.TotalCount, len(expected), "TotalCount on page %d" % pages)
        page = [b["BackupId"] for b in items(resp)]
        check(page, "page %d at offset %d is empty before TotalCount" % (pages, offset))
        seen += page
        offset += len(page)
        if offset >= resp.TotalCount:
            break
        check(pages < 10, "runaway pagination")
    check_eq(pages, 3, "pages for 250 backups at Limit 100")
    check_eq(len(set(seen)), len(seen), "no BackupId repeated")
    check_eq(seen, expected, "every BackupId exactly once, in listing order")


@runner.case
def non_ascii_instance_name_round_trips():
    # InstanceName is a substring (fuzzy) match; no InstanceId means every instance of the region.
    resp = client().DescribeInstanceBackups(request(InstanceName="测试实例", Limit=100))
    expected = SEED.listing("crs-interop02")
    check_eq(resp.TotalCount, len(expected), "TotalCount for InstanceName 测试实例")
    check_items_match(items(resp), expected, "non-ASCII page")
    check_eq(items(resp)[0]["InstanceName"], "测试实例-备份", "InstanceName")


@runner.case
def describe_instances_lists_the_region_in_instance_id_order():
    resp = client().DescribeInstances(instances_request(Limit=1000))
    expected = SEED.described(REGION)
    check_eq(resp.TotalCount, len(expected), "TotalCount (instances without backups included)")
    check_instances_match(instance_items(resp), expected, "InstanceSet")
    first = resp.InstanceSet[0]
    check(isinstance(first.ZoneId, int) and isinstance(first.Size, float), "ZoneId int, Size float in the SDK model")
    check_eq([(t.TagKey, t.TagValue) for t in first.InstanceTags], [("env", "prod"), ("team", "pay")], "InstanceTags")


@runner.case
def describe_instances_filters_over_get():
    c = client(method="GET")
    resp = c.DescribeInstances(instances_request(
        InstanceTags=[{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "pay"}]))
    check_instances_match(instance_items(resp), SEED.described(REGION, lambda i: has_tags(i, ("env", "prod"), ("team", "pay"))),
                          "InstanceTags (all must match) over GET")
    resp = c.DescribeInstances(instances_request(SearchKey="interop-", ProjectIds=[0, 1], Limit=2, Offset=1))
    expected = SEED.described(REGION, lambda i: "interop-" in i["InstanceName"] and i["ProjectId"] in (0, 1))
    check_eq(resp.TotalCount, len(expected), "TotalCount of SearchKey + ProjectIds")
    check_instances_match(instance_items(resp), expected[1:3], "page 2 of SearchKey + ProjectIds")


@runner.case
def describe_instances_v1_form_with_instance_ids_and_status():
    resp = client(sign="HmacSHA256").DescribeInstances(instances_request(
        InstanceIds=["crs-interop03", "crs-interop04", "crs-interop01"], Status=[-2]))
    check_instances_match(instance_items(resp), SEED.described(REGION, lambda i: i["InstanceId"] == "crs-interop03"),
                          "InstanceIds (any, this region) and Status [-2]")


@runner.case
def describe_instances_limit_over_1000_is_invalid_parameter():
    expect_error(lambda: client().DescribeInstances(instances_request(Limit=1001)), "InvalidParameter.InvalidParameter")


SCHEDULED = "crs-interop05"
SCHEDULED_REGION = "ap-chengdu"
# Where the interop mock's clock starts (`--clock`); the scheduled instance's first night follows.
CLOCK_START = "2026-11-21T10:00:00+08:00"
FMT = "%Y-%m-%d %H:%M:%S"


def auto_backup_config(instance_id, region=REGION):
    req = models.DescribeAutoBackupConfigRequest()
    req.from_json_string(json.dumps({"InstanceId": instance_id}))
    return client(region=region).DescribeAutoBackupConfig(req)


@runner.case
def describe_auto_backup_config_answers_the_seeded_schedule():
    resp = auto_backup_config(SCHEDULED, region=SCHEDULED_REGION)
    check_eq(resp.WeekDays, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], "WeekDays")
    check_eq(resp.TimePeriod, "02:00-03:00", "TimePeriod")
    check_eq(resp.BackupStorageDays, 3, "BackupStorageDays")
    check_eq(resp.AutoBackupType, 1, "AutoBackupType")
    check(resp.RequestId, "RequestId")


@runner.case
def describe_auto_backup_config_unscheduled_and_unknown_instances():
    resp = auto_backup_config("crs-interop01")
    check_eq(resp.WeekDays, [], "an instance without a schedule has no weekday")
    expect_error(lambda: auto_backup_config("crs-doesnotexist"), "ResourceNotFound.InstanceNotExists")
    expect_error(lambda: auto_backup_config(SCHEDULED), "ResourceNotFound.InstanceNotExists")


@runner.case
def a_frozen_week_of_nightly_backups():
    saved = clock()
    scheduled = client(region=SCHEDULED_REGION)

    def nights():
        resp = scheduled.DescribeInstanceBackups(request(InstanceId=SCHEDULED, Limit=100))
        return items(resp)

    def of(date, backups):
        return [b for b in backups if date.strftime("%Y%m%d") in b["BackupId"]]

    skipped = datetime.date(2026, 11, 24)
    try:
        clock({"set": CLOCK_START, "frozen": True})
        admin("/_mock/script", {"skip_slot": {"InstanceId": SCHEDULED, "date": skipped.isoformat()}})
        check_eq(nights(), [], "no backup before the first night")
        for night in range(1, 8):
            date = datetime.date(2026, 11, 21) + datetime.timedelta(days=night)
            clock({"set": "%s 02:15:00" % date.isoformat()})  # Beijing time
            found = of(date, nights())
            if date == skipped:
                check_eq(found, [], "the skipped night %s" % date)
                continue
            check_eq(len(found), 1, "one backup on %s" % date)
            check_eq(found[0]["Status"], 2, "finished by 02:15 on %s" % date)
            check_eq(found[0]["BackupType"], "1", "an automatic backup")
            start = datetime.datetime.strptime(found[0]["StartTime"], FMT)
            clock({"set": start.strftime(FMT)})
            running = of(date, nights())
            check_eq((running[0]["Status"], running[0]["Locked"]), (1, 1), "running at its StartTime")
            clock({"set": (start - datetime.timedelta(seconds=1)).strftime(FMT)})
            check_eq(of(date, nights()), [], "not there a second before it starts")
            clock({"set": (start + datetime.timedelta(minutes=2)).strftime(FMT)})
            check_eq(of(date, nights())[0]["Status"], 2, "done two minutes later")
        clock({"set": "2026-11-29 12:00:00"})
        statuses = {b["BackupId"][5:13]: b["Status"] for b in nights()}
        check_eq(statuses, {"20261122": -1, "20261123": -1, "20261125": -1, "20261126": -1,
                            "20261127": 2, "20261128": 2, "20261129": 2}, "expired after 3 days")
        clock({"set": CLOCK_START})
        check_eq(nights(), [], "moving the clock back hides the nights again")
    finally:
        clock({"set": saved["now"], "frozen": saved["frozen"], "speed": saved["speed"]})


LIMITED_ID = env("TCREDIS_INTEROP_LIMITED_ID")
LIMITED_KEY = env("TCREDIS_INTEROP_LIMITED_KEY")


@runner.case
def a_policy_denying_one_instance_fails_exactly_its_requests():
    limited = client(secret_id=LIMITED_ID, key=LIMITED_KEY)
    e = expect_error(lambda: limited.DescribeInstanceBackups(request(InstanceId="crs-interop02")),
                     "UnauthorizedOperation.NoCAMAuthed")
    check_eq(e.get_message(),
             "[request id:%s]you are not authorized to perform operation (redis:DescribeInstanceBackups)\n"
             "resource (qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-interop02) has no permission\n"
             % e.get_request_id(), "the denial message")
    resp = limited.DescribeInstanceBackups(request(InstanceId="crs-interop01", Limit=100))
    check_eq(resp.TotalCount, len(SEED.listing("crs-interop01")), "another instance is allowed")
    expect_error(lambda: limited.DescribeInstanceBackups(request(Limit=10)), "UnauthorizedOperation.NoCAMAuthed")
    resp = client().DescribeInstanceBackups(request(InstanceId="crs-interop02"))
    check_eq(resp.TotalCount, len(SEED.listing("crs-interop02")), "an unlisted SecretId keeps full access")


if __name__ == "__main__":
    runner.run()
