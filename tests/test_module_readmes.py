"""Every Terraform module's README documents exactly its variables and outputs.

terraform-docs is not installable here, so the tables are hand-written and this test keeps them true.
It runs for every directory under ``terraform/modules/`` that holds ``*.tf`` files, so a new module
is covered the moment it exists.

Format the README must follow (parser-simple on purpose):

* A section headed exactly ``## Inputs`` and one headed exactly ``## Outputs``. A section ends at the
  next line starting with ``#`` (any heading level) or at the end of the file.
* Inside a section, every Markdown table row (a line starting with ``|``) after the header row and
  the ``|---|`` separator row documents one item, and its first cell is the name in backticks::

      ## Inputs

      | Name | Description | Type | Default | Required |
      |------|-------------|------|---------|:--------:|
      | `domain` | Domain to send from. | `string` | n/a | yes |

      ## Outputs

      | Name | Description |
      |------|-------------|
      | `identity_arn` | ARN of the identity. |

  Other columns are free-form (they are for readers). A module without variables (or outputs) keeps
  the heading and writes ``None.`` instead of a table.
* Names are compared with the ``variable "..."`` and ``output "..."`` blocks declared in the module's
  top-level ``*.tf`` files (``tests/`` and ``examples/`` are not part of the interface).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "terraform" / "modules"

_BLOCK = r'^{kind}\s+"([^"]+)"\s*\{{'
_SEPARATOR_ROW = re.compile(r"^\|[\s:|-]+\|?\s*$")
_NAME_CELL = re.compile(r"^`([^`]+)`$")


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir() and any(p.glob("*.tf")))


def declared_names(module: Path, kind: str) -> list[str]:
    """Names of top-level ``variable``/``output`` blocks, in file order."""
    pattern = re.compile(_BLOCK.format(kind=kind), flags=re.M)
    return [name for tf in sorted(module.glob("*.tf")) for name in pattern.findall(tf.read_text())]


class ReadmeFormatError(ValueError):
    """The README does not follow the table format described in this module's docstring."""


def documented_names(readme: str, heading: str) -> list[str]:
    """First-column names of the table under ``## <heading>``, in order."""
    lines = readme.splitlines()
    try:
        start = lines.index(f"## {heading}") + 1
    except ValueError:
        raise ReadmeFormatError(f"no '## {heading}' heading") from None
    section: list[str] = []
    for line in lines[start:]:
        if line.startswith("#"):
            break
        section.append(line)
    rows = [line.strip() for line in section if line.strip().startswith("|")]
    if not rows:
        if any(line.strip() == "None." for line in section):
            return []
        raise ReadmeFormatError(f"'## {heading}' has neither a table nor 'None.'")
    if len(rows) < 2 or not _SEPARATOR_ROW.match(rows[1]):
        raise ReadmeFormatError(f"'## {heading}' table needs a header row and a |---| separator row")
    names = []
    for row in rows[2:]:
        first_cell = row.strip("|").split("|")[0].strip()
        match = _NAME_CELL.match(first_cell)
        if match is None:
            raise ReadmeFormatError(f"'## {heading}' row does not start with a `name` cell: {row}")
        names.append(match.group(1))
    return names


def assert_same_names(documented: list[str], declared: list[str], what: str) -> None:
    duplicates = sorted({n for n in documented if documented.count(n) > 1})
    missing = sorted(set(declared) - set(documented))
    extra = sorted(set(documented) - set(declared))
    assert not (duplicates or missing or extra), (
        f"{what}: undocumented {missing}, documented but not declared {extra}, listed twice {duplicates}"
    )


def test_modules_are_found() -> None:
    # GIVEN the modules this repository ships WHEN listing module directories THEN they are all seen,
    # so the parametrised checks below cannot pass by finding nothing.
    names = {p.name for p in module_dirs()}
    assert {"ses_domain", "ses_configuration_set", "ses_account"} <= names


@pytest.mark.parametrize("module", module_dirs(), ids=lambda p: p.name)
def test_readme_inputs_match_variables(module: Path) -> None:
    # GIVEN a module with a README WHEN reading its Inputs table THEN it lists exactly the variables.
    readme = module / "README.md"
    assert readme.is_file(), f"{module.relative_to(ROOT)} has no README.md"
    assert_same_names(
        documented_names(readme.read_text(), "Inputs"),
        declared_names(module, "variable"),
        f"{readme.relative_to(ROOT)} ## Inputs",
    )


@pytest.mark.parametrize("module", module_dirs(), ids=lambda p: p.name)
def test_readme_outputs_match_outputs(module: Path) -> None:
    # GIVEN a module with a README WHEN reading its Outputs table THEN it lists exactly the outputs.
    readme = module / "README.md"
    assert readme.is_file(), f"{module.relative_to(ROOT)} has no README.md"
    assert_same_names(
        documented_names(readme.read_text(), "Outputs"),
        declared_names(module, "output"),
        f"{readme.relative_to(ROOT)} ## Outputs",
    )


# --- the parser itself: proves the checks above can fail --------------------------------------------

SAMPLE = """# m

## Inputs

| Name | Description |
|------|:-----------:|
| `domain` | The domain. |
| `tags` | Tags, e.g. `{ a = "b" }`. |

### Example (ends the section)

| `not_an_input` | x |

## Outputs

None.
"""


def test_parser_reads_names_and_stops_at_next_heading() -> None:
    assert documented_names(SAMPLE, "Inputs") == ["domain", "tags"]
    assert documented_names(SAMPLE, "Outputs") == []


@pytest.mark.parametrize(
    ("readme", "message"),
    [
        ("# m\n", "no '## Inputs' heading"),
        ("## Inputs\n\ntext only\n", "neither a table nor 'None.'"),
        ("## Inputs\n\n| Name |\n| `a` |\n", "separator row"),
        ("## Inputs\n\n| Name |\n|---|\n| a |\n", "does not start with a `name` cell"),
    ],
)
def test_parser_rejects_other_formats(readme: str, message: str) -> None:
    with pytest.raises(ReadmeFormatError, match=re.escape(message)):
        documented_names(readme, "Inputs")


def test_mismatch_names_missing_extra_and_duplicate_items() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_same_names(["a", "b", "b"], ["a", "c"], "X")
    assert "undocumented ['c']" in str(caught.value)
    assert "not declared ['b']" in str(caught.value)
    assert "listed twice ['b']" in str(caught.value)


def test_declared_names_reads_top_level_tf_files_only(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text('variable "a" {\n}\n\nvariable "b" {\n  type = string\n}\n')
    (tmp_path / "outputs.tf").write_text('output "x" {\n  value = 1\n}\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "extra.tf").write_text('variable "ignored" {}\n')
    assert declared_names(tmp_path, "variable") == ["a", "b"]
    assert declared_names(tmp_path, "output") == ["x"]
