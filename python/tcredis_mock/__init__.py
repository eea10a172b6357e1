"""tcredis-mock for Python test suites.

A faithful fake of the Tencent Cloud Redis ``DescribeInstanceBackups`` endpoint (and STS), as the
``tcredis-mock`` binary this wheel installs, plus:

- `TcredisMock`: start the binary on a free loopback port and drive its admin API (journal,
  scripts, reset, verify, clock) from any Python code;
- a pytest plugin (loaded automatically once the wheel is installed) with the fixtures
  ``tcredis_mock`` (one mock per test; options through ``@pytest.mark.tcredis_mock(...)``),
  ``tcredis_mock_session`` (one mock for the whole session) and ``tcredis_mock_factory``.

Point the official SDK at ``mock.host`` with ``protocol="http"`` (``"https"`` and
``certification=mock.ca_path`` with ``tls=True``) and the ``mock.secret_id`` / ``mock.secret_key``
pair. See ``docs/mock.md`` in the tcredis repository for the data, faults and admin API.
"""

from ._mock import (
    BINARY_ENV,
    DEFAULT_REGION,
    DEMO_SECRET_ID,
    DEMO_SECRET_KEY,
    MockError,
    TcredisMock,
    duration_text,
    find_binary,
    instant_text,
)

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("tcredis-mock")
except PackageNotFoundError:  # running from a source checkout
    __version__ = "0+unknown"

__all__ = [
    "BINARY_ENV",
    "DEFAULT_REGION",
    "DEMO_SECRET_ID",
    "DEMO_SECRET_KEY",
    "MockError",
    "TcredisMock",
    "duration_text",
    "find_binary",
    "instant_text",
]
