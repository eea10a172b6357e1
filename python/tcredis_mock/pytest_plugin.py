"""The pytest plugin: ``tcredis_mock`` fixtures, loaded through the ``pytest11`` entry point.

Fixtures:

- ``tcredis_mock``: a fresh mock for one test, stopped at teardown (a failed ``expect`` of a
  script then errors the test). Options come from ``@pytest.mark.tcredis_mock(...)`` on the
  test, its class or module (the closest wins per option) over the ini defaults.
- ``tcredis_mock_session``: one mock for the whole session, started from the ini defaults.
  Tests share its journal and scripts: call ``reset()`` where that matters.
- ``tcredis_mock_factory``: ``start(**options)`` as often as needed; every mock it started is
  stopped at teardown.

Options are `tcredis_mock.TcredisMock`'s keywords. Defaults for every mock: ``--tcredis-mock-bin``
(or ini ``tcredis_mock_bin``), and the ini keys ``tcredis_mock_seed``, ``tcredis_mock_rate_limit``,
``tcredis_mock_faults`` (one ``KIND:P`` a line), ``tcredis_mock_tls`` and ``tcredis_mock_args``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from ._mock import MockError, TcredisMock

_MARKER = "tcredis_mock"
_OPTIONS = frozenset(
    name
    for name, parameter in inspect.signature(TcredisMock.__init__).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tcredis-mock", "tcredis-mock fixtures")
    group.addoption(
        "--tcredis-mock-bin",
        dest="tcredis_mock_bin",
        default=None,
        metavar="PATH",
        help="the tcredis-mock executable (default: TCREDIS_MOCK_BIN, the installed wheel's, PATH)",
    )
    parser.addini("tcredis_mock_bin", "the tcredis-mock executable", default=None)
    parser.addini("tcredis_mock_seed", "seed file for every mock (relative to rootdir)", default=None)
    parser.addini("tcredis_mock_rate_limit", "requests/s per SecretId (0 = off)", default=None)
    parser.addini("tcredis_mock_faults", "KIND:P faults, one a line", type="linelist", default=[])
    parser.addini("tcredis_mock_tls", "serve HTTPS (CA at mock.ca_path)", type="bool", default=False)
    parser.addini("tcredis_mock_args", "further tcredis-mock flags", type="args", default=[])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**options): options of the tcredis_mock fixture for this test "
        f"({', '.join(sorted(_OPTIONS))})",
    )


def _defaults(config: pytest.Config) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    binary = config.getoption("tcredis_mock_bin") or config.getini("tcredis_mock_bin")
    if binary:
        options["binary"] = binary
    seed = config.getini("tcredis_mock_seed")
    if seed:
        options["seed"] = str(Path(config.rootpath, seed))
    rate_limit = config.getini("tcredis_mock_rate_limit")
    if rate_limit not in (None, ""):
        try:
            options["rate_limit"] = int(rate_limit)
        except ValueError:
            raise pytest.UsageError(
                f"ini tcredis_mock_rate_limit = {rate_limit!r}: expected a whole number (0 = off)"
            ) from None
    faults = config.getini("tcredis_mock_faults")
    if faults:
        options["faults"] = list(faults)
    if config.getini("tcredis_mock_tls"):
        options["tls"] = True
    extra = config.getini("tcredis_mock_args")
    if extra:
        options["args"] = list(extra)
    return options


def _checked(options: Dict[str, Any], where: str) -> Dict[str, Any]:
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise pytest.UsageError(
            f"{where}: unknown tcredis_mock option(s) {', '.join(unknown)}; "
            f"accepted: {', '.join(sorted(_OPTIONS))}"
        )
    return options


@pytest.fixture
def tcredis_mock_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., TcredisMock]]:
    """``start(**options)`` → a started `TcredisMock`; all of them are stopped at teardown."""
    started: List[TcredisMock] = []
    defaults = _defaults(request.config)

    def start(**options: Any) -> TcredisMock:
        mock = TcredisMock(**{**defaults, **_checked(options, "tcredis_mock_factory")})
        mock.start()
        started.append(mock)
        return mock

    yield start
    problems = []
    for mock in reversed(started):
        try:
            mock.stop()
        except MockError as e:
            problems.append(str(e))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def tcredis_mock(
    request: pytest.FixtureRequest, tcredis_mock_factory: Callable[..., TcredisMock]
) -> TcredisMock:
    """A `TcredisMock` for this test, configured by ``@pytest.mark.tcredis_mock(...)``."""
    options: Dict[str, Any] = {}
    # iter_markers yields the closest first: apply the farthest first so the closest wins.
    for marker in reversed(list(request.node.iter_markers(_MARKER))):
        if marker.args:
            raise pytest.UsageError(
                f"{request.node.nodeid}: @pytest.mark.{_MARKER} takes keyword options only"
            )
        options.update(marker.kwargs)
    return tcredis_mock_factory(**_checked(options, request.node.nodeid))


@pytest.fixture(scope="session")
def tcredis_mock_session(request: pytest.FixtureRequest) -> Iterator[TcredisMock]:
    """One `TcredisMock` for the whole session (ini defaults); stopped when the session ends."""
    mock = TcredisMock(**_defaults(request.config))
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
