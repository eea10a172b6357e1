"""The ``tcredis-mock`` child process and its admin API, for any Python test code.

`TcredisMock` starts the binary on a free loopback port, reads the ``listening on URL`` line it
prints first, and talks to the admin API under ``/_mock/`` with the standard library only (no
proxy is ever used for it). Credentials given to it travel in a private file, never in argv.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import queue
import shutil
import ssl
import subprocess
import sys
import sysconfig
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

#: The public demo SecretId the mock accepts when no credentials are configured. Not a secret.
DEMO_SECRET_ID = "AKIDTCREDISDEMO000000000000000000000"
#: The public demo SecretKey paired with `DEMO_SECRET_ID`. Not a secret.
DEMO_SECRET_KEY = "tcredis-demo-key-public-not-secret"
#: The region the demo data's first instance lives in, and the default `TcredisMock.region`.
DEFAULT_REGION = "ap-guangzhou"
#: The environment variable naming the binary to run (checked after an explicit ``binary=``).
BINARY_ENV = "TCREDIS_MOCK_BIN"
#: The executable's file name.
BINARY_NAME = "tcredis-mock.exe" if os.name == "nt" else "tcredis-mock"

_STARTUP_TIMEOUT = 30.0
_STOP_TIMEOUT = 10.0
_LISTENING = "listening on "

Credential = Union[Tuple[str, str], Tuple[str, str, Optional[str]]]
Duration = Union[str, int, float, _dt.timedelta]
Instant = Union[str, _dt.datetime]


class MockError(RuntimeError):
    """The mock could not be found, started or stopped cleanly, or its admin API refused a call.

    The message says what went wrong and, where the mock printed one, ends with its own
    diagnostic (never a secret key: the mock does not print configured keys).
    """


def find_binary(explicit: Union[str, "os.PathLike[str]", None] = None) -> Path:
    """Returns the ``tcredis-mock`` executable to run.

    Looks, in order, at ``explicit``, the ``TCREDIS_MOCK_BIN`` environment variable, the scripts
    folder of the running interpreter (where installing the wheel puts the binary), and ``PATH``.
    Raises `MockError` naming every place looked at when none holds an executable.
    """
    if explicit is not None:
        return _executable(Path(explicit), "binary=")
    from_env = os.environ.get(BINARY_ENV)
    if from_env:
        return _executable(Path(from_env), BINARY_ENV)
    looked = []
    for folder in _script_folders():
        candidate = folder / BINARY_NAME
        looked.append(str(candidate))
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    on_path = shutil.which(BINARY_NAME)
    if on_path:
        return Path(on_path)
    raise MockError(
        f"the {BINARY_NAME} executable was not found (looked at {', '.join(looked)} and PATH); "
        f"install the tcredis-mock wheel, set {BINARY_ENV}=/path/to/{BINARY_NAME}, "
        "or pass binary=..."
    )


def _script_folders() -> List[Path]:
    folders = []
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        if folder and Path(os.path.abspath(folder)) not in folders:
            folders.append(Path(os.path.abspath(folder)))
    return folders


def _executable(path: Path, source: str) -> Path:
    if not path.is_file():
        raise MockError(f"{source} names {path}, which is not a file")
    if not os.access(path, os.X_OK):
        raise MockError(f"{source} names {path}, which is not executable")
    return path


def duration_text(value: Duration) -> str:
    """Formats a duration the mock's clock API accepts: ``"1d"``, ``"26h"``, ``"90s"``, ``"1500ms"``.

    Strings pass through unchanged (the mock checks them); numbers are seconds; a
    `datetime.timedelta` is converted. Negative values are refused here with `ValueError`.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise TypeError(f"a duration is a str, a number of seconds or a timedelta, not {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative (got {seconds} s); use set() to go back")
    millis = round(seconds * 1000)
    return f"{millis // 1000}s" if millis % 1000 == 0 else f"{millis}ms"


def instant_text(value: Instant) -> str:
    """Formats an instant the mock's clock API accepts.

    Strings (RFC 3339, or Beijing wall time ``YYYY-MM-DD HH:MM:SS``) pass through unchanged; an
    aware `datetime.datetime` becomes RFC 3339 in UTC. A naive datetime is refused with
    `ValueError`: say which zone it is in.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "a naive datetime is ambiguous; give it a tzinfo (e.g. datetime.timezone.utc)"
            )
        utc = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        text = utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds")
        return text + "Z"
    raise TypeError(f"an instant is an RFC 3339 str or an aware datetime, not {value!r}")


class TcredisMock:
    """One running ``tcredis-mock`` process.

    Use it as a context manager, or call `start` and `stop`::

        with TcredisMock(seed="seed.json") as mock:
            profile = HttpProfile(protocol="http", endpoint=mock.host)
            ...

    Every option maps to a flag of the binary (see ``docs/mock.md``):

    - ``seed``: a seed file path, or a seed dict (written to a private temporary file);
    - ``generate``: ``N`` or ``"N:INSTANCES"`` generated backups instead of the demo data;
    - ``credentials``: ``(id, key)`` / ``(id, key, token)`` or a list of them, passed in a
      private credentials file (never argv); the first pair becomes `secret_id` / `secret_key`.
      Without it the public demo pair is accepted;
    - ``rate_limit``: requests per second per SecretId (``0`` turns the limit off);
    - ``faults``: ``"KIND:P"`` strings or ``(kind, p)`` pairs (``throttle``, ``internal-error``,
      ``drop``, ``truncate``, ``delay=MS``, ``stall``);
    - ``random_seed``: reproducible fault draws and RequestIds;
    - ``tls``: serve HTTPS; the CA certificate is written to `ca_path` for ``requests`` / the SDK;
    - ``strict_signing``: refuse the loopback signature leniencies;
    - ``clock`` (``"real"``, ``"frozen"`` or an instant) and ``clock_speed``: the mock clock;
    - ``args``: further flags, passed as given;
    - ``binary``: the executable (else `find_binary`); ``env``: extra environment variables.
    """

    def __init__(
        self,
        *,
        binary: Union[str, "os.PathLike[str]", None] = None,
        seed: Union[str, "os.PathLike[str]", Mapping[str, Any], None] = None,
        generate: Union[int, str, None] = None,
        credentials: Union[Credential, Sequence[Credential], None] = None,
        rate_limit: Optional[int] = None,
        faults: Iterable[Union[str, Tuple[str, float]]] = (),
        random_seed: Optional[int] = None,
        tls: bool = False,
        strict_signing: bool = False,
        clock: Optional[Instant] = None,
        clock_speed: Optional[float] = None,
        region: str = DEFAULT_REGION,
        args: Sequence[str] = (),
        env: Optional[Mapping[str, str]] = None,
        startup_timeout: float = _STARTUP_TIMEOUT,
    ) -> None:
        self._binary = binary
        self._seed = seed
        self._generate = generate
        self._credentials = _credential_list(credentials)
        self._rate_limit = rate_limit
        self._faults = [_fault_text(f) for f in faults]
        self._random_seed = random_seed
        self._tls = bool(tls)
        self._strict_signing = bool(strict_signing)
        self._clock = clock
        self._clock_speed = clock_speed
        self._extra_args = [str(a) for a in args]
        self._env = dict(env or {})
        self._startup_timeout = startup_timeout
        #: The region tests should send (the demo data's first instance is there).
        self.region = region
        first = self._credentials[0] if self._credentials else None
        #: The SecretId the mock accepts (the demo one unless ``credentials`` were given).
        self.secret_id = first[0] if first else DEMO_SECRET_ID
        #: The SecretKey paired with `secret_id`.
        self.secret_key = first[1] if first else DEMO_SECRET_KEY
        #: The session token of the first credential, if it has one.
        self.token = first[2] if first else None
        #: ``http://127.0.0.1:PORT`` (``https://`` with ``tls``); set by `start`.
        self.endpoint = ""
        #: ``127.0.0.1:PORT``: what the official SDKs' ``HttpProfile(endpoint=...)`` wants.
        self.host = ""
        #: ``"http"`` or ``"https"``.
        self.scheme = "https" if self._tls else "http"
        #: With ``tls``: the CA certificate (PEM) to trust; ``None`` otherwise.
        self.ca_path: Optional[str] = None
        self._process: Optional[subprocess.Popen] = None
        self._workdir: Optional[tempfile.TemporaryDirectory] = None
        self._stderr_path: Optional[Path] = None
        self._ssl: Optional[ssl.SSLContext] = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "TcredisMock":
        """Starts the binary on ``127.0.0.1:0`` and waits for its ``listening on`` line.

        Raises `MockError` (with the mock's own message, e.g. a bad seed field's path) when it
        exits or stays silent for ``startup_timeout`` seconds.
        """
        if self._process is not None:
            raise MockError("this TcredisMock is already started")
        binary = find_binary(self._binary)
        self._workdir = tempfile.TemporaryDirectory(prefix="tcredis-mock-")
        work = Path(self._workdir.name)
        argv = [str(binary), "--listen", "127.0.0.1:0", "--exit-on-stdin-eof"]
        argv += self._data_args(work)
        if self._credentials:
            path = work / "credentials.json"
            _write_private(path, json.dumps({"credentials": [
                {"SecretId": c[0], "SecretKey": c[1], **({"Token": c[2]} if c[2] else {})}
                for c in self._credentials
            ]}))
            argv += ["--credentials-file", str(path)]
        if self._rate_limit is not None:
            argv += ["--rate-limit", str(int(self._rate_limit))]
        for fault in self._faults:
            argv += ["--fault", fault]
        if self._random_seed is not None:
            argv += ["--random-seed", str(int(self._random_seed))]
        if self._tls:
            self.ca_path = str(work / "ca.pem")
            argv += ["--tls", "--ca-out", self.ca_path]
        if self._strict_signing:
            argv.append("--strict-signing")
        if self._clock is not None:
            argv += ["--clock", self._clock if self._clock in ("real", "frozen")
                     else instant_text(self._clock)]
        if self._clock_speed is not None:
            argv += ["--clock-speed", str(self._clock_speed)]
        argv += self._extra_args
        self._stderr_path = work / "stderr.log"
        env = dict(os.environ)
        env.update(self._env)
        with open(self._stderr_path, "wb") as stderr:
            try:
                self._process = subprocess.Popen(
                    argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env
                )
            except OSError as e:
                self._cleanup()
                raise MockError(f"cannot start {binary}: {e}") from e
        first = self._first_line()
        if not first.startswith(_LISTENING):
            self._kill()
            message = (
                f"tcredis-mock exited with {self._process.returncode} before listening"
                if first == "" else f"tcredis-mock printed {first!r} instead of 'listening on URL'"
            )
            self._fail_with_stderr(message)
        self.endpoint = first[len(_LISTENING):].strip()
        self.scheme, _, self.host = self.endpoint.partition("://")
        if self._tls:
            self._ssl = ssl.create_default_context(cafile=self.ca_path)
        # Nothing more is expected on stdout, but keep the pipe drained all the same.
        threading.Thread(target=self._process.stdout.read, daemon=True).start()
        return self

    def _data_args(self, work: Path) -> List[str]:
        if self._seed is not None and self._generate is not None:
            raise MockError("give seed= or generate=, not both")
        if isinstance(self._seed, Mapping):
            path = work / "seed.json"
            path.write_text(json.dumps(self._seed), encoding="utf-8")
            return ["--seed", str(path)]
        if self._seed is not None:
            return ["--seed", os.fspath(self._seed)]
        if self._generate is not None:
            return ["--generate", str(self._generate)]
        return []

    def _first_line(self) -> str:
        lines: "queue.Queue[str]" = queue.Queue()
        stdout = self._process.stdout

        def read_one() -> None:
            lines.put(stdout.readline().decode("utf-8", "replace"))

        threading.Thread(target=read_one, daemon=True).start()
        try:
            return lines.get(timeout=self._startup_timeout).strip()
        except queue.Empty:
            self._kill()
            self._fail_with_stderr(
                f"tcredis-mock printed no line within {self._startup_timeout:g} s"
            )
            raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Stops the mock (closes its stdin; kills it after 10 s) and removes its files.

        Raises `MockError` with the mock's report when it exits non-zero, which is how it says
        that a script's expectation (``expect``) was not met. Calling it twice is harmless.
        """
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()
        except OSError:
            pass
        try:
            code = process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            self._fail_with_stderr("tcredis-mock ignored the end of its stdin for 10 s; killed it")
        if code != 0:
            self._fail_with_stderr(f"tcredis-mock exited with {code}")
        self._cleanup()

    @property
    def pid(self) -> Optional[int]:
        """The process id while running, else ``None``."""
        return self._process.pid if self._process is not None else None

    def __enter__(self) -> "TcredisMock":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"TcredisMock(endpoint={self.endpoint!r}, region={self.region!r})"

    # -- admin API -------------------------------------------------------------------------

    def journal(self) -> List[Dict[str, Any]]:
        """The requests the mock has seen, oldest first (``GET /_mock/journal``'s ``entries``).

        Each entry has ``seq``, ``method``, ``action``, ``region``, ``secret_id``, ``params``,
        ``code`` (``None`` on success), ``verdict``, ``signature``, ``fault``, ... (never a key).
        """
        return self._admin("GET", "journal")["entries"]

    def script(self, spec: Optional[Mapping[str, Any]] = None, **fields: Any) -> int:
        """Queues answers for the next matching requests (``POST /_mock/script``); returns its id.

        ``spec`` and the keywords (``name``, ``match``, ``steps``, ``expect``) form the script,
        e.g. ``script(match={"params": {"InstanceId": "crs-x"}},
        steps=[{"error": {"code": "RequestLimitExceeded"}}], expect={"times": 1})``.
        """
        body = dict(spec or {})
        body.update(fields)
        return self._admin("POST", "script", body)["id"]

    def reset(self) -> None:
        """Forgets the journal, scripts, rate-limit buckets and STS credentials (``/_mock/reset``)."""
        self._admin("POST", "reset", {})

    def verify(self) -> Dict[str, Any]:
        """Checks the scripts' expectations now: ``{"ok": True}`` or ``{"ok": False, "report": ...}``."""
        return self._admin("GET", "verify")

    def clock(self) -> Dict[str, Any]:
        """The mock clock: ``{"now": RFC 3339, "frozen": bool, "speed": number}``."""
        return self._admin("GET", "clock")

    def advance(self, duration: Duration) -> Dict[str, Any]:
        """Moves the mock clock forward (``"1d"``, ``"26h"``, seconds, or a timedelta); returns `clock`."""
        return self._admin("POST", "clock", {"advance": duration_text(duration)})

    def set(self, instant: Instant) -> Dict[str, Any]:
        """Sets the mock clock (RFC 3339, Beijing ``YYYY-MM-DD HH:MM:SS``, or an aware datetime).

        Moving backwards is allowed. Returns the new `clock`.
        """
        return self._admin("POST", "clock", {"set": instant_text(instant)})

    def _admin(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        if self._process is None:
            raise MockError(f"the mock is not running (/_mock/{path})")
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            f"{self.endpoint}/_mock/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        if self._ssl is not None:
            opener = urllib.request.build_opener(
                urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self._ssl)
            )
        else:
            opener = self._opener
        try:
            with opener.open(request, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("error", detail)
            except (ValueError, AttributeError):
                pass
            raise MockError(f"{method} /_mock/{path} answered {e.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as e:
            raise MockError(f"{method} /_mock/{path} failed: {e}") from None

    # -- helpers ---------------------------------------------------------------------------

    def _stderr_tail(self) -> str:
        try:
            text = self._stderr_path.read_text(encoding="utf-8", errors="replace")
        except (OSError, AttributeError):
            return ""
        return text.strip()[-4000:]

    def _fail_with_stderr(self, message: str) -> None:
        tail = self._stderr_tail()
        self._cleanup()
        raise MockError(f"{message}: {tail}" if tail else message)

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._process is not None:
            self._process.wait()

    def _cleanup(self) -> None:
        self._process = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None


def _credential_list(credentials: Any) -> List[Tuple[str, str, Optional[str]]]:
    if credentials is None:
        return []
    if isinstance(credentials, tuple) and credentials and isinstance(credentials[0], str):
        credentials = [credentials]
    result = []
    for item in credentials:
        if not isinstance(item, (tuple, list)) or len(item) not in (2, 3) or not all(
            isinstance(part, str) and part for part in item[:2]
        ):
            raise ValueError(
                "credentials are (secret_id, secret_key) or (secret_id, secret_key, token) "
                "tuples with non-empty strings"
            )
        result.append((item[0], item[1], item[2] if len(item) == 3 else None))
    return result


def _fault_text(fault: Union[str, Tuple[str, float]]) -> str:
    if isinstance(fault, str):
        return fault
    kind, probability = fault
    return f"{kind}:{probability}"


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
