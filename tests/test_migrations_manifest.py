"""Migrations that have landed on main are never renamed, removed or edited.

`guides/migrations/MANIFEST` lists each landed migration with the sha256 of its
bytes. A database migrated at any commit must be able to migrate at every later one:
renaming `0006_directory` to `0008_directory` (as happened once) strands it.
"""

import hashlib
from pathlib import Path

import pytest

MIGRATIONS = Path(__file__).resolve().parent.parent / "guides" / "migrations"
MANIFEST = MIGRATIONS / "MANIFEST"


def read_manifest(path=MANIFEST):
    """Return {filename: sha256} from a manifest file, in its order; malformed lines raise."""
    listed = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[1]) != 64:
            raise ValueError(f"{path.name} 第 {number} 行格式不对，应为“文件名 sha256”：{line!r}")
        listed[parts[0]] = parts[1]
    return listed


def manifest_problems(directory=MIGRATIONS, manifest=MANIFEST):
    """Return one message per landed migration that was removed, renamed or edited, and per unlisted one."""
    listed = read_manifest(manifest)
    present = {p.name: p for p in directory.glob("[0-9][0-9][0-9][0-9]_*.py")}
    problems = []
    for name, digest in listed.items():
        path = present.get(name)
        if path is None:
            problems.append(f"{name} is listed in MANIFEST (landed on main) but is gone: never rename or remove it")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name} was edited after it landed on main: add a new migration instead")
    for name in sorted(set(present) - set(listed)):
        digest = hashlib.sha256(present[name].read_bytes()).hexdigest()
        problems.append(
            f"{name} is not in guides/migrations/MANIFEST: when it lands, append the line `{name} {digest}`"
        )
    return problems


def test_landed_migrations_are_unchanged():
    assert manifest_problems() == []


def test_migration_numbers_are_unique():
    numbers = [p.name[:4] for p in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py")]
    assert sorted(numbers) == sorted(set(numbers))


@pytest.fixture
def copy(tmp_path):
    for path in MIGRATIONS.glob("*"):
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    return tmp_path


def test_a_renamed_migration_is_caught(copy):
    (copy / "0008_directory.py").rename(copy / "0006_directory.py")
    problems = manifest_problems(copy, copy / "MANIFEST")
    assert any("0008_directory.py is listed" in p and "gone" in p for p in problems)
    assert any(p.startswith("0006_directory.py is not in") for p in problems)


def test_an_edited_migration_is_caught(copy):
    path = copy / "0009_office.py"
    path.write_bytes(path.read_bytes() + b"\n# edited\n")
    assert manifest_problems(copy, copy / "MANIFEST") == [
        "0009_office.py was edited after it landed on main: add a new migration instead"
    ]


def test_a_removed_migration_is_caught(copy):
    (copy / "0010_directory_see_also.py").unlink()
    assert manifest_problems(copy, copy / "MANIFEST") == [
        "0010_directory_see_also.py is listed in MANIFEST (landed on main) but is gone: never rename or remove it"
    ]


def test_a_malformed_manifest_line_is_named(copy):
    (copy / "MANIFEST").write_text("0001_initial.py\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第 1 行"):
        manifest_problems(copy, copy / "MANIFEST")
