"""The pytest plugin itself, run in a nested pytest session (pytester) like a user's suite."""

import os
import time


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read().lower()
    except OSError:
        return False


def test_teardown_stops_the_mock_and_fails_the_test_on_an_unmet_expectation(pytester):
    pytester.makepyfile(
        """
        import pathlib

        def test_leaves_an_unmet_expectation(tcredis_mock):
            pathlib.Path("pid").write_text(str(tcredis_mock.pid))
            tcredis_mock.script(name="expected but never sent", expect={"times": 1})
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*tcredis-mock exited with 1*", "*expected but never sent*"])
    pid = int((pytester.path / "pid").read_text())
    assert not alive(pid)


def test_a_passing_test_leaves_no_process_behind(pytester):
    pytester.makepyfile(
        """
        import pathlib

        def test_uses_the_mock(tcredis_mock):
            pathlib.Path("pid").write_text(str(tcredis_mock.pid))
            assert tcredis_mock.journal() == []
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert not alive(int((pytester.path / "pid").read_text()))


def test_ini_defaults_reach_every_fixture(pytester):
    pytester.makefile(
        ".json",
        seed='{"instances": [{"InstanceId": "crs-ini00001", "InstanceName": "from-ini", '
        '"Region": "ap-guangzhou", "Backups": []}]}',
    )
    pytester.makeini(
        """
        [pytest]
        tcredis_mock_seed = seed.json
        tcredis_mock_rate_limit = 0
        tcredis_mock_faults =
            internal-error:1
        """
    )
    pytester.makepyfile(
        """
        import json, urllib.request
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.redis.v20180412 import models, redis_client

        def call(mock):
            http = HttpProfile(protocol=mock.scheme, endpoint=mock.host, reqTimeout=10)
            client = redis_client.RedisClient(
                credential.Credential(mock.secret_id, mock.secret_key), mock.region,
                ClientProfile(httpProfile=http))
            request = models.DescribeInstanceBackupsRequest()
            request.InstanceId = "crs-ini00001"
            try:
                client.DescribeInstanceBackups(request)
            except TencentCloudSDKException as e:
                return e.get_code()

        def test_function_fixture(tcredis_mock):
            assert call(tcredis_mock) == "InternalError"

        def test_session_fixture(tcredis_mock_session):
            assert call(tcredis_mock_session) == "InternalError"
            [entry] = tcredis_mock_session.journal()
            assert entry["fault"] == "internal-error"
            assert entry["params"] == {"InstanceId": "crs-ini00001"}
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)


def test_an_unknown_marker_option_is_a_usage_error_naming_it(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tcredis_mock(sed="seed.json")
        def test_typo(tcredis_mock):
            pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown tcredis_mock option(s) sed; accepted: *seed*"])


def test_the_bin_option_overrides_the_installed_binary(pytester, tmp_path):
    pytester.makepyfile(
        """
        def test_needs_the_mock(tcredis_mock):
            pass
        """
    )
    result = pytester.runpytest_subprocess(f"--tcredis-mock-bin={tmp_path / 'elsewhere'}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*binary= names *elsewhere, which is not a file*"])


def test_the_marker_is_registered(pytester):
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.tcredis_mock(**options): *seed*tls*"])


def test_the_mock_outlives_no_killed_test_process(pytester, tmp_path, monkeypatch):
    # The killed run cannot remove its scratch folder: keep it inside this test's tmp_path.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    # A test run killed hard cannot run teardown; the mock then sees its stdin close
    # (--exit-on-stdin-eof) and exits on its own.
    pytester.makepyfile(
        """
        import os, pathlib, signal

        def test_killed(tcredis_mock):
            pathlib.Path("pid").write_text(str(tcredis_mock.pid))
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    pytester.runpytest_subprocess()
    pid = int((pytester.path / "pid").read_text())
    # The mock exits once the dead parent's pipe closes: poll its state with a bound (the loop
    # ends as soon as it is gone; the bound only turns a hang into a failure).
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "the mock outlived its killed parent"
