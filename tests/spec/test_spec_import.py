"""layergen's models are built without pydantic's plugin scan, and other models keep it."""

import subprocess
import sys

from conftest import python_path

PROBE = """
import importlib.metadata, os
scans = []
real = importlib.metadata.entry_points
importlib.metadata.entry_points = lambda *a, **k: scans.append(k) or real(*a, **k)
import layergen.spec.models
print(len(scans), os.environ.get("PYDANTIC_DISABLE_PLUGINS"))
import pydantic
class Other(pydantic.BaseModel):
    a: int
print(len(scans))
"""


def probe(env_value: str | None) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": python_path()}
    if env_value is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = env_value
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return result.stdout.split()


def test_layergen_models_skip_the_plugin_scan_and_leave_the_setting_as_it_was():
    assert probe(None) == ["0", "None", "1"]


def test_a_users_setting_is_kept():
    assert probe("some_plugin") == ["0", "some_plugin", "1"]
