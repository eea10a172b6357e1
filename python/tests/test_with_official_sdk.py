"""The installed wheel's fixtures, driven through the official Python SDK.

`cargo xtask wheel` runs this file in a fresh venv holding only the built wheel, pytest and the
SDK (hash-pinned in ../requirements-test.txt); nothing here imports from the source tree.
"""

import datetime as dt
import json
import os
import ssl
import sysconfig
import urllib.request
from pathlib import Path

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.redis.v20180412 import models, redis_client

import tcredis_mock as package
from tcredis_mock import DEMO_SECRET_ID, DEMO_SECRET_KEY, MockError, TcredisMock, find_binary

# A test secret of the project (xtask/src/secrets.rs): the gate's secret scan fails if it is
# ever printed, so these tests also prove the fixture keeps keys out of argv and output.
TEST_KEY = "tcredis-test-secret-DO-NOT-PRINT-wheel-Hs4Kq9Lp2Vx7"
TEST_ID = "AKIDTCREDISWHEELTEST0000000000000000"

SEED = {
    "instances": [
        {
            "InstanceId": "crs-wheel001",
            "InstanceName": "wheel-orders",
            "Region": "ap-guangzhou",
            "Backups": [
                {"BackupId": "b-2", "StartTime": "2026-06-02 02:00:00", "Status": 2, "BackupType": "1"},
                {"BackupId": "b-1", "StartTime": "2026-06-01 02:00:00", "Status": 2, "BackupType": "1"},
            ],
        }
    ]
}


def client_for(mock, secret_key=None, certification=None):
    """The official SDK's RedisClient pointed at the mock."""
    http = HttpProfile(protocol=mock.scheme, endpoint=mock.host, reqTimeout=10)
    if certification is not None:
        http.certification = certification
    cred = credential.Credential(mock.secret_id, secret_key or mock.secret_key)
    return redis_client.RedisClient(cred, mock.region, ClientProfile(httpProfile=http))


def list_backups(client, instance_id="crs-demo0001", **params):
    request = models.DescribeInstanceBackupsRequest()
    request.InstanceId = instance_id
    for key, value in params.items():
        setattr(request, key, value)
    return json.loads(client.DescribeInstanceBackups(request).to_json_string())


def sdk_error(call):
    with pytest.raises(TencentCloudSDKException) as caught:
        call()
    return caught.value


# -- the function-scoped fixture -----------------------------------------------------------


def test_the_sdk_lists_the_demo_data_and_the_journal_records_the_call(tcredis_mock):
    assert tcredis_mock.endpoint == f"http://{tcredis_mock.host}"
    assert tcredis_mock.host.startswith("127.0.0.1:")
    assert (tcredis_mock.region, tcredis_mock.secret_id) == ("ap-guangzhou", DEMO_SECRET_ID)

    page = list_backups(client_for(tcredis_mock), Limit=5)

    assert page["TotalCount"] > 5
    assert len(page["BackupSet"]) == 5
    assert {b["InstanceId"] for b in page["BackupSet"]} == {"crs-demo0001"}
    [entry] = tcredis_mock.journal()
    assert entry["action"] == "DescribeInstanceBackups"
    assert entry["secret_id"] == DEMO_SECRET_ID
    assert entry["params"] == {"InstanceId": "crs-demo0001", "Limit": 5}
    assert (entry["code"], entry["verdict"], entry["signature"]) == (None, "ok", "valid")


def test_a_script_answers_the_next_call_and_reset_forgets_it(tcredis_mock):
    script_id = tcredis_mock.script(
        name="throttle once",
        match={"params": {"InstanceId": "crs-demo0001"}},
        steps=[{"error": {"code": "RequestLimitExceeded", "message": "scripted"}}],
    )
    assert isinstance(script_id, int)
    client = client_for(tcredis_mock)

    error = sdk_error(lambda: list_backups(client))
    assert error.get_code() == "RequestLimitExceeded"
    assert error.get_message() == "scripted"
    assert error.get_request_id()
    assert list_backups(client)["TotalCount"] > 0, "the script's only step is used up"
    assert [e["script"] for e in tcredis_mock.journal()] == [script_id, None]

    tcredis_mock.reset()
    assert tcredis_mock.journal() == []


def test_a_script_with_an_unmet_expectation_fails_verify(tcredis_mock):
    tcredis_mock.script(name="never sent", match={"params": {"InstanceId": "crs-nowhere"}},
                        expect={"times": 1})
    report = tcredis_mock.verify()
    assert report["ok"] is False
    assert "never sent" in report["report"]
    tcredis_mock.reset()  # so teardown's own check passes
    assert tcredis_mock.verify() == {"ok": True}


def test_an_admin_call_the_mock_refuses_raises_with_its_reason(tcredis_mock):
    with pytest.raises(MockError, match=r"POST /_mock/script answered 400: .*"):
        tcredis_mock.script(steps=[{"no-such-step": True}])


@pytest.mark.tcredis_mock(seed=SEED, credentials=(TEST_ID, TEST_KEY), rate_limit=0)
def test_seed_and_credentials_from_the_marker(tcredis_mock):
    assert (tcredis_mock.secret_id, tcredis_mock.secret_key) == (TEST_ID, TEST_KEY)
    client = client_for(tcredis_mock)

    page = list_backups(client, "crs-wheel001")
    assert [b["BackupId"] for b in page["BackupSet"]] == ["b-2", "b-1"]
    assert page["BackupSet"][0]["InstanceName"] == "wheel-orders", "inherited from the instance"

    wrong_key = TEST_KEY[:-1] + "X"
    assert sdk_error(lambda: list_backups(client_for(tcredis_mock, wrong_key), "crs-wheel001")) \
        .get_code() == "AuthFailure.SignatureFailure"
    demo = sdk_error(lambda: list_backups(client_for_demo(tcredis_mock), "crs-wheel001"))
    assert demo.get_code() == "AuthFailure.SecretIdNotFound", "the demo pair is refused"
    cmdline = Path(f"/proc/{tcredis_mock.pid}/cmdline").read_bytes()
    assert TEST_KEY.encode() not in cmdline, "the key travels in a file, never in argv"
    assert b"--credentials-file" in cmdline


def client_for_demo(mock):
    http = HttpProfile(protocol=mock.scheme, endpoint=mock.host, reqTimeout=10)
    cred = credential.Credential(DEMO_SECRET_ID, DEMO_SECRET_KEY)
    return redis_client.RedisClient(cred, mock.region, ClientProfile(httpProfile=http))


@pytest.mark.tcredis_mock(faults=["throttle:1"], random_seed=7)
def test_faults_from_the_marker(tcredis_mock):
    error = sdk_error(lambda: list_backups(client_for(tcredis_mock)))
    assert error.get_code() == "RequestLimitExceeded"
    assert tcredis_mock.journal()[-1]["fault"] == "throttle"


@pytest.mark.tcredis_mock(rate_limit=1)
def test_rate_limit_from_the_marker(tcredis_mock):
    client = client_for(tcredis_mock)
    codes = []
    for _ in range(3):
        try:
            list_backups(client)
            codes.append(None)
        except TencentCloudSDKException as e:
            codes.append(e.get_code())
    # A bucket of one token refilled once a second: back-to-back calls cannot all pass.
    assert codes[0] is None
    assert "RequestLimitExceeded" in codes[1:]


@pytest.mark.tcredis_mock(tls=True)
def test_tls_serves_https_with_the_ca_at_ca_path(tcredis_mock):
    assert tcredis_mock.endpoint.startswith("https://127.0.0.1:")
    assert Path(tcredis_mock.ca_path).read_text().startswith("-----BEGIN CERTIFICATE-----")

    page = list_backups(client_for(tcredis_mock, certification=tcredis_mock.ca_path), Limit=1)
    assert len(page["BackupSet"]) == 1
    # Without the CA the default trust store refuses the mock's certificate.
    untrusted = sdk_error(lambda: list_backups(client_for(tcredis_mock)))
    assert untrusted.get_code() == "ClientNetworkError"
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.get_message()
    # The same CA works for plain Python code (requests/urllib).
    context = ssl.create_default_context(cafile=tcredis_mock.ca_path)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=context))
    with opener.open(tcredis_mock.endpoint + "/_mock/journal", timeout=10) as response:
        assert len(json.load(response)["entries"]) == 1, "the refused handshake never reached it"


# -- the clock -----------------------------------------------------------------------------


@pytest.mark.tcredis_mock(clock="2026-05-01T10:00:00Z")
def test_the_clock_is_read_set_and_advanced(tcredis_mock):
    assert tcredis_mock.clock()["now"].startswith("2026-05-01T10:00:00")
    assert tcredis_mock.clock()["frozen"] is True

    advanced = tcredis_mock.advance("1d")
    assert advanced["now"].startswith("2026-05-02T10:00:00")
    assert tcredis_mock.advance(dt.timedelta(hours=2))["now"].startswith("2026-05-02T12:00:00")
    assert tcredis_mock.advance(30)["now"].startswith("2026-05-02T12:00:30")

    back = tcredis_mock.set(dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc))
    assert back["now"].startswith("2026-04-01T00:00:00"), "moving backwards is allowed"
    assert tcredis_mock.set("2026-04-01 08:00:00")["now"].startswith("2026-04-01T00:00:00"), \
        "Beijing wall time is UTC+8"
    assert tcredis_mock.journal() == [], "clock calls are admin calls, not journaled"


@pytest.mark.tcredis_mock(clock="frozen")
def test_advancing_the_clock_adds_the_nightly_backups_the_sdk_then_sees(tcredis_mock):
    client = client_for(tcredis_mock)
    before = list_backups(client)["TotalCount"]
    tcredis_mock.advance("2d")
    after = list_backups(client)["TotalCount"]
    assert after == before + 2, "the demo instances back up once a night"


def test_clock_arguments_are_checked_before_sending(tcredis_mock):
    with pytest.raises(ValueError, match="naive datetime"):
        tcredis_mock.set(dt.datetime(2026, 4, 1))
    with pytest.raises(ValueError, match="cannot be negative"):
        tcredis_mock.advance(-5)


# -- the other fixtures and the plain class ------------------------------------------------

_SESSION_SEEN = []


@pytest.mark.parametrize("round_", [1, 2])
def test_the_session_fixture_is_one_mock_for_every_test(tcredis_mock_session, round_):
    assert tcredis_mock_session.pid is not None
    _SESSION_SEEN.append((tcredis_mock_session.pid, tcredis_mock_session.endpoint))
    assert len(set(_SESSION_SEEN)) == 1
    assert list_backups(client_for(tcredis_mock_session), Limit=1)["TotalCount"] > 0


def test_the_factory_starts_several_and_each_is_its_own_process(tcredis_mock_factory):
    a = tcredis_mock_factory()
    b = tcredis_mock_factory(seed=SEED)
    assert a.pid != b.pid and a.endpoint != b.endpoint
    assert list_backups(client_for(b), "crs-wheel001")["TotalCount"] == 2
    assert sdk_error(lambda: list_backups(client_for(a), "crs-wheel001")).get_code() == \
        "ResourceNotFound.InstanceNotExists"


def test_the_class_stops_the_process_on_exit_and_rejects_admin_calls_after():
    with TcredisMock() as mock:
        pid = mock.pid
        assert list_backups(client_for(mock), Limit=1)["TotalCount"] > 0
    assert mock.pid is None
    assert not Path(f"/proc/{pid}").exists() or "zombie" in _proc_state(pid)
    with pytest.raises(MockError, match="not running"):
        mock.journal()


def _proc_state(pid):
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_a_bad_seed_fails_start_with_the_mocks_message_naming_the_field():
    bad = {"instances": [{"InstanceId": "crs-x", "InstanceName": "x", "Region": "ap-guangzhou",
                          "Backups": [{"BackupId": "b", "StartTime": "2026-06-01 02:00:00",
                                       "Status": "two"}]}]}
    with pytest.raises(MockError, match=r"exited with 2 before listening: .*Backups\[0\]\.Status"):
        TcredisMock(seed=bad).start()


def test_a_missing_binary_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(MockError, match="binary= names .*nope, which is not a file"):
        TcredisMock(binary=tmp_path / "nope").start()
    monkeypatch.setenv("TCREDIS_MOCK_BIN", str(tmp_path))
    with pytest.raises(MockError, match="TCREDIS_MOCK_BIN names .*, which is not a file"):
        find_binary()


def test_the_wheel_installed_the_binary_next_to_this_interpreter(monkeypatch):
    monkeypatch.delenv("TCREDIS_MOCK_BIN", raising=False)
    assert "site-packages" in package.__file__, "the installed wheel, not the source tree"
    found = find_binary()
    assert found.name == "tcredis-mock"
    assert found.parent == Path(sysconfig.get_path("scripts"))
    assert os.access(found, os.X_OK)
