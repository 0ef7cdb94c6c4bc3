"""The built wheel runs on its own: installed outside the checkout, it migrates a new
SQLite database, creates the first admin, serves, logs them in and shows them their pages in
their language, with the vendored htmx and Pico files.

The wheel is the one ``make dist`` left in ``dist/`` when there is one, else it is built
here. It goes into a new virtual environment in a temporary folder; the commands run from
another temporary folder, so nothing of the checkout can be found by accident. The
dependencies are those of the environment running the suite, given to the new one as a
folder of links (no network; the checkout's own editable install left out): what is under
test is what the wheel carries. Once per ``make test``: in its SQLite half.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import site
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
# What the running environment has of Butler itself (and of plugins installed from
# this checkout): the new environment must see only the wheel.
OWN = re.compile(r"^(__editable__|butler|sms_gateway|.*\.pth$)", re.IGNORECASE)

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").strip() != "",
    reason="the wheel is tried once, in the SQLite half of the suite",
)


def newest_source() -> float:
    """When the newest of the files a wheel carries was changed."""
    files = [CHECKOUT / "pyproject.toml", CHECKOUT / "setup.py", CHECKOUT / "wsgi.py"]
    for folder in ("core", "plugins", "templates", "translations"):
        files.extend(p for p in (CHECKOUT / folder).rglob("*") if p.suffix != ".pyc")
    return max(p.stat().st_mtime for p in files if p.is_file())


def the_wheel(scratch: Path) -> Path:
    """The wheel of ``make dist`` when it is newer than the sources, else one built now."""
    built = sorted((CHECKOUT / "dist").glob("butler_crm-*.whl"), key=lambda p: p.stat().st_mtime)
    if built and built[-1].stat().st_mtime > newest_source():
        return built[-1]
    out = scratch / "wheel"
    # The suite's environment has the build's requirements (setuptools, Babel): no
    # isolated build environment to download.
    build = ["wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(CHECKOUT)]
    subprocess.run(
        [sys.executable, "-m", "pip", *build], check=True, capture_output=True, cwd=scratch
    )
    return next(out.glob("butler_crm-*.whl"))


def fresh_environment(scratch: Path, wheel: Path) -> Path:
    """A new virtual environment holding the wheel; its ``bin`` folder."""
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    deps = scratch / "deps"
    deps.mkdir()
    for source in map(Path, site.getsitepackages()):
        for entry in source.iterdir():
            if not OWN.match(entry.name) and not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    python = venv / "bin" / "python"
    own_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(own_site, "butler-test-deps.pth").write_text(f"{deps}\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"butler serve stopped: {log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"butler serve did not answer at {url}")


def test_the_installed_wheel_migrates_serves_and_logs_a_butler_in(tmp_path):
    wheel = the_wheel(tmp_path)
    bin_dir = fresh_environment(tmp_path, wheel)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(work),
        "BUTLER_ENV": "development",
        "DATABASE_URL": f"sqlite:///{work / 'butler.db'}",
        "BUTLER_INSTANCE_PATH": str(work / "instance"),
    }

    def butler(*args: str) -> str:
        done = subprocess.run(
            [bin_dir / "butler", *args], cwd=work, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [bin_dir / "python", "-c", "import core, json; print(json.dumps(core.__file__))"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(tmp_path / "venv") in json.loads(where)

    assert "up to date" in butler("migrate")
    port = free_port()
    log = (work / "serve.log").open("w")
    server = subprocess.Popen(
        [bin_dir / "butler", "serve", "--port", str(port), "--workers", "1"],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # The first admin is made while the server starts (two cores, two processes).
        password = "a long walk around the harbour"
        created = butler(
            "create-admin",
            "--organization=Harbour View Properties",
            "--slug=harbour",
            "--username=wong",
            "--name=Wong Ka-man",
            f"--password={password}",
        )
        assert "'wong' created" in created
        wait_for(f"{base}/login", server, work / "serve.log")
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        browser.addheaders = [("Accept-Language", "zh-HK,zh;q=0.9")]
        login_page = browser.open(f"{base}/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        form = {"csrf_token": token, "username": "wong", "password": password}
        page = browser.open(f"{base}/login", urllib.parse.urlencode(form).encode())
        html = page.read().decode()
        assert page.url != f"{base}/login", "the organisation admin was not let in"
        assert "登出" in html  # "Log out", from the compiled zh_Hant catalogue
        htmx = browser.open(f"{base}/static/vendor/htmx.min.js")
        assert htmx.status == 200 and b"htmx" in htmx.read()
        pico = browser.open(f"{base}/static/vendor/pico.min.css")
        assert pico.status == 200 and b"Pico" in pico.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    shutil.rmtree(tmp_path / "venv", ignore_errors=True)
