"""A newcomer's first ten minutes, as the README's "Use layergen in your project" says them:
layergen installed from its wheel into a fresh virtual environment, then, in an empty
folder, the README's own commands (`layergen init`, `layergen new`, the bare `pytest`).

Offline stand-ins for the README's installs: the environment sees the suite's packages
(Keras, a backend, pytest's dependencies) instead of `pip install keras tensorflow`, and
pytest and layergen are installed from wheels with `--no-deps --no-index`.
"""

import base64
import hashlib
import importlib.metadata
import os
import re
import site
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow
README_SECTION = "## Use layergen in your project\n"
OFFLINE = ["--no-deps", "--no-index", "--ignore-installed", "--quiet", "--disable-pip-version-check"]


def readme_blocks(language: str) -> list[str]:
    """The code blocks of the README's section for users, in order."""
    text = (REPO / "README.md").read_text()
    section = text[text.index(README_SECTION) :].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)


def project_blocks() -> list[str]:
    return [block for block in readme_blocks("sh") if block.startswith("layergen init")]


def test_the_readme_shows_a_flat_and_a_src_layout():
    flat, src = project_blocks()
    assert flat == "layergen init\nlayergen new\nlayergen show specs/scaled_dense.yaml\npytest\n"
    assert src.startswith("layergen init --layers src/") and src.endswith("\nlayergen new\npytest\n")
    install_lines()  # the README installs from a checkout and from a wheel


def install_lines() -> dict[str, str]:
    """The README's lines that install layergen itself, by what they do."""
    (install,) = [block for block in readme_blocks("sh") if "pip install" in block]
    lines = [line.split("#")[0].strip() for line in install.splitlines()]
    found = {
        "checkout": [line for line in lines if line.startswith("pip install path/to/layergen")],
        "build wheel": [line for line in lines if line.startswith("pip wheel")],
        "install wheel": [line for line in lines if line.startswith("pip install") and ".whl" in line],
    }
    assert all(len(matches) == 1 for matches in found.values()), found
    return {what: matches[0] for what, matches in found.items()}


def run_readme_line(line: str, python, cwd) -> None:
    """A README install line, run with the venv's pip, this checkout for `path/to/layergen`."""
    command = line.replace("path/to/layergen", str(REPO)).split()
    assert command[0] == "pip"
    expanded = []
    for word in command:
        matches = sorted(cwd.glob(word)) if "*" in word else []
        expanded += [str(m) for m in matches] or [word]
    done = subprocess.run([python, "-m", *expanded], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{line}: {done.stdout[-3000:]}{done.stderr[-3000:]}"


def repacked_wheel(name: str, folder) -> str:
    """A wheel of an installed distribution, rebuilt from its files (to install it offline)."""
    dist = importlib.metadata.distribution(name)
    skipped = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    files = [f for f in dist.files if ".." not in f.parts and "__pycache__" not in f.parts and f.name not in skipped]
    (dist_info,) = {f.parts[0] for f in files if f.parts[0].endswith(".dist-info")}
    wheel = folder / f"{dist_info.removesuffix('.dist-info')}-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(wheel, "w") as archive:
        for file in files:
            data = dist.locate_file(file).read_bytes()
            archive.writestr(file.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append(f"{file.as_posix()},sha256={digest},{len(data)}")
        records.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return str(wheel)


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """A fresh venv with layergen and pytest installed from wheels, as `activate` leaves it."""
    folder = tmp_path_factory.mktemp("newcomer")
    venv = make_venv(folder / "venv")
    python = venv / "bin" / "python"
    # The suite may itself run in a venv: let the new one see its packages too (after its own).
    pytest_wheel = repacked_wheel("pytest", folder)
    subprocess.run([python, "-m", "pip", "install", *OFFLINE, pytest_wheel], check=True, capture_output=True)
    # layergen as the README installs it: a wheel built in the checkout, then installed
    # (its dependencies are there already, from the suite's environment).
    lines = install_lines()
    run_readme_line(lines["build wheel"], python, folder)
    run_readme_line(lines["install wheel"], python, folder)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    where = subprocess.run(
        ["python", "-c", "import layergen; print(layergen.__file__)"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(venv)), "layergen must come from the wheel, not the checkout"
    return env


def make_venv(venv):
    """A fresh venv that also sees the suite's packages (after its own), as a stand-in for
    the README's `pip install keras tensorflow pytest`."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The suite may itself run in a venv: let the new one see its packages too (after its own).
    venv_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (venv / venv_site / "suite.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


def test_the_readme_wheel_holds_the_templates(tmp_path):
    python = make_venv(tmp_path / "venv") / "bin" / "python"
    run_readme_line(install_lines()["build wheel"], python, tmp_path)
    (wheel,) = (tmp_path / "dist").glob("layergen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {
        "layergen/render/templates/layer.py.jinja",
        "layergen/render/templates/test_layer.py.jinja",
        "layergen/render/templates/starter_spec.yaml",
        "layergen/keras_vocabulary.json",
        "layergen/show/probe.py",
        "layergen/testing/contract.py",
    } <= names


def test_the_readme_installs_from_a_checkout(tmp_path):
    venv = make_venv(tmp_path / "venv")
    python = venv / "bin" / "python"
    run_readme_line(install_lines()["checkout"], python, tmp_path)
    script = "import layergen.render.renderer as r; print(r.builtin_template_dir())"
    done = subprocess.run([python, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    templates = done.stdout.strip()
    assert templates.startswith(str(venv)) and (tmp_path / templates / "layer.py.jinja").is_file()
    version = subprocess.run([venv / "bin" / "layergen", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("layergen ")


@pytest.mark.parametrize("layout", ["flat", "src"])
def test_init_new_then_bare_pytest_passes(environment, tmp_path, layout):
    commands = project_blocks()[["flat", "src"].index(layout)]
    project = tmp_path / "project"
    project.mkdir()
    result = subprocess.run(
        ["bash", "-e", "-x", "-c", commands],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    summary = result.stdout.splitlines()[-1]
    assert re.match(r"=+ \d+ passed", summary) and "failed" not in summary and "error" not in summary, summary
    generated = sorted(p.relative_to(project).as_posix() for p in project.rglob("*.py"))
    expected = {
        "flat": ["layers/scaled_dense.py", "tests/test_scaled_dense.py"],
        "src": ["src/my_pkg/layers/scaled_dense.py", "tests/layers/test_scaled_dense.py"],
    }
    assert generated == expected[layout]
