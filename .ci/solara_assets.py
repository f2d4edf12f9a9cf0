"""Fill solara's CDN proxy cache from the npm registry, so the dashboard works offline.

Solara's page loads its JavaScript and CSS through ``/_solara/cdn/<package>@<version>/<file>``,
which the server answers from its proxy cache folder or else fetches from a public CDN (which
an offline machine cannot reach: the page stays blank). This script finds every
``<package>@<version>`` the installed solara asks for, by scanning solara's own templates,
widgets and components, downloads each with ``npm pack`` (which resolves ``vega@5`` to the
newest 5.x, as the CDN does) and unpacks it under the exact name solara requests.

Idempotent and fast when done: a package whose folder holds a ``.complete`` marker is skipped.
Run with the project's venv python:  .venv/bin/python .ci/solara_assets.py
"""

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import solara
from solara.server import settings

# <package>@<version> right after a path separator, e.g. "/vega@5/build/vega.min.js" or
# "/@widgetti/solara-vuetify-app@10.1.1/dist/...".
SPEC = re.compile(r"(?<![\w.-])/((?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*)@(\d[\w.+-]*)/")
SCANNED = ("*.html.j2", "*.vue", "*.py", "*.js")


def requested_specs() -> list[str]:
    """Every package@version the installed solara loads from its CDN path."""
    root = Path(solara.__file__).parent
    specs = set()
    for pattern in SCANNED:
        for path in root.rglob(pattern):
            if "website" in path.parts or "test" in path.name:
                continue
            text = path.read_text(errors="ignore")
            if "cdn" not in text:
                continue
            specs.update(f"{name}@{version.rstrip('.')}" for name, version in SPEC.findall(text))
    return sorted(specs)


def fill(cache: Path, specs: list[str]) -> None:
    missing = [s for s in specs if not (cache / s / ".complete").exists()]
    print(f"solara CDN cache {cache}: {len(specs) - len(missing)} of {len(specs)} packages present")
    if not missing:
        return
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["npm", "pack", "--json", "--pack-destination", tmp, *missing],
            capture_output=True, text=True, cwd=tmp,
        )
        if result.returncode != 0:
            sys.exit(f"npm pack failed:\n{result.stderr.strip()}")
        for spec, packed in zip(missing, json.loads(result.stdout)):
            target = cache / spec
            if target.exists():
                shutil.rmtree(target)
            with tarfile.open(Path(tmp) / packed["filename"]) as tar:
                unpacked = Path(tmp) / "unpacked" / spec
                tar.extractall(unpacked, filter="data")
            shutil.move(str(unpacked / "package"), target)
            (target / ".complete").write_text(f"{packed['name']}@{packed['version']}\n")
            print(f"  {spec:<45} <- {packed['name']}@{packed['version']}")


if __name__ == "__main__":
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch the dashboard's assets (Debian: apt-get install npm)")
    fill(Path(settings.assets.proxy_cache_dir), requested_specs())
