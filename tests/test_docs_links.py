"""Every relative link in the Markdown, and every repository path named in code, docs or workflows, exists.

A reader follows a link or a cited path in one hop; a renamed or never-written document must fail here,
not in front of a newcomer. Anchors (``#section``) are not checked: only the file they point into.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Working state and tool output, never part of the repository's documentation.
SKIPPED_DIRS = frozenset(
    {".venv", ".git", ".terraform", ".demo", "build", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
)
# [text](target "title") and [text]: target reference definitions; images too (the "!" is outside).
INLINE_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # https:, mailto:, //host
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]+`")
# A docs path as code cites it: stops at quotes, spaces, brackets and backticks; trailing dots trimmed.
DOCS_PATH = re.compile(r"(?<![\w.-])/?(docs/[\w./*-]+)")
# A source or script path: lambda_src/sesmail/events/schema.py, sesmail/suppression/domain.py (under
# lambda_src/), scripts/warmup.py. Lower case only, so placeholders such as scripts/X.py are not paths.
SOURCE_PATH = re.compile(
    r"(?<![\w./-])((?:lambda_src/)?sesmail(?:_local)?/[a-z0-9_/]+\.py|scripts/[a-z0-9_/]+\.(?:py|sh))"
)
CODE_GLOBS = ("*.py", "*.tf", "*.hcl", "Makefile", "*.mk")
WORKFLOW_GLOBS = (".github/workflows/*.yml", ".github/workflows/*.yaml")


def repository_files(*patterns: str) -> Iterator[Path]:
    for pattern in patterns:
        for path in ROOT.rglob(pattern):
            relative = path.relative_to(ROOT)
            if path.is_file() and not SKIPPED_DIRS.intersection(relative.parts[:-1]):
                yield path


def markdown_links(text: str) -> list[str]:
    """Link targets outside code fences and inline code (examples there are not links)."""
    prose = INLINE_CODE.sub("", FENCE.sub("", text))
    return INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)


def link_target(source: Path, link: str) -> Path | None:
    """The file a relative link points to, or None for external links and same-page anchors."""
    if EXTERNAL.match(link) or link.startswith("#"):
        return None
    path = link.split("#", 1)[0].split("?", 1)[0]
    return ROOT / path.lstrip("/") if path.startswith("/") else source.parent / path


def exists(path_text: str) -> bool:
    """A cited path exists; a glob (``docs/runbooks/*.md``) must match at least one file."""
    if "*" in path_text:
        return any(ROOT.glob(path_text))
    return (ROOT / path_text).exists()


def cited_docs_paths(text: str) -> set[str]:
    return {match.rstrip(".") for match in DOCS_PATH.findall(text)}


def cited_source_paths(text: str) -> set[str]:
    """Source and script paths, as repository paths (a bare ``sesmail/...`` lives under lambda_src/)."""
    return {
        f"lambda_src/{path}" if path.startswith("sesmail") else path for path in SOURCE_PATH.findall(text)
    }


def test_every_relative_markdown_link_exists() -> None:
    broken = []
    markdown = list(repository_files("*.md"))
    assert len(markdown) > 20, "the walk found too few Markdown files to be looking at the repository"
    for source in markdown:
        for link in markdown_links(source.read_text()):
            target = link_target(source, link)
            if target is not None and not target.exists():
                broken.append(f"{source.relative_to(ROOT)}: ({link})")
    assert not broken, "broken relative links:\n" + "\n".join(broken)


def dangling_paths(globs: tuple[str, ...], cited: Callable[[str], set[str]]) -> tuple[set[str], int]:
    dangling, count = set(), 0
    for source in repository_files(*globs):
        relative = source.relative_to(ROOT).as_posix()
        if relative == "tests/test_docs_links.py":
            continue  # this file names the dangling paths it tolerates
        for path_text in cited(source.read_text()):
            count += 1
            if not exists(path_text):
                dangling.add(f"{relative}: {path_text}")
    return dangling, count


def test_every_docs_path_named_in_code_and_workflows_exists() -> None:
    dangling, cited = dangling_paths((*CODE_GLOBS, *WORKFLOW_GLOBS), cited_docs_paths)
    assert cited > 20, "the scan found too few citations to be looking at the repository"
    assert not dangling, "docs paths that do not exist:\n" + "\n".join(sorted(dangling))


def test_every_source_and_script_path_named_anywhere_exists() -> None:
    # Modules move (sesmail/schema.py became sesmail/events/schema.py); docs and comments must follow.
    dangling, cited = dangling_paths(("*.md", *CODE_GLOBS, *WORKFLOW_GLOBS), cited_source_paths)
    assert cited > 20, "the scan found too few citations to be looking at the repository"
    assert not dangling, "source paths that do not exist:\n" + "\n".join(sorted(dangling))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see [the runbook](runbooks/a.md#first-five-minutes).", ["runbooks/a.md#first-five-minutes"]),
        ('[t](../x.md "title") and <https://example.com>', ["../x.md"]),
        ("[ref]: decisions/0001-x.md\n", ["decisions/0001-x.md"]),
        ("```\n[not](a-link.md)\n```\nand `[nor](this.md)`", []),
    ],
)
def test_the_link_parser_finds_links_and_skips_code(text: str, expected: list[str]) -> None:
    assert markdown_links(text) == expected


def test_the_path_scanner_reads_citations_as_code_writes_them() -> None:
    text = 'x = "docs/a.md"  # see docs/decisions/0021-iam.md. and /docs/b.md, not mydocs/c.md'
    assert cited_docs_paths(text) == {"docs/a.md", "docs/decisions/0021-iam.md", "docs/b.md"}
    text = (
        "`sesmail/events/status.py`, lambda_src/sesmail_local/demo.py, scripts/dev/tf_each.sh, scripts/X.py"
    )
    assert cited_source_paths(text) == {
        "lambda_src/sesmail/events/status.py",
        "lambda_src/sesmail_local/demo.py",
        "scripts/dev/tf_each.sh",
    }


def test_a_missing_file_and_a_missing_link_target_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "page.md"
    assert link_target(source, "gone.md#x") == tmp_path / "gone.md"
    assert link_target(source, "https://example.com/gone.md") is None
    assert link_target(source, "#local-anchor") is None
    assert link_target(source, "/docs/local.md") == ROOT / "docs/local.md"
    assert not exists("docs/never-written.md") and exists("docs/runbooks/*.md")
