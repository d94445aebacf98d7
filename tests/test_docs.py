"""The documentation agrees with the code: the generated pages (input and CLI reference) are what the
schema and the typer app say today; every constraint family and risk measure has its equation in
docs/model.md; every README example parses against the CLI and names rules of the default case;
every link resolves; the site builds with ``mkdocs build --strict``; the README stays short."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml

from model import docs as gen
from model.case import schema
from model.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
DEFAULT_CASE = ROOT / "inputs" / "rare_earth_magnets.xlsx"  # the case every verb runs on without CASE
# pages other work adds; until they are in the repository a link to them may dangle, nothing else
PENDING_PAGES: set[str] = set()  # pages the nav may name before they exist (none now)


def _sections(text: str, level: str = "##") -> dict[str, str]:
    """Heading text (backticks stripped) -> the section's text, for headings of exactly ``level``."""
    parts = re.split(rf"^{level} (.+)$", text, flags=re.M)
    return {parts[i].strip().strip("`"): parts[i + 1] for i in range(1, len(parts), 2)}


# --------------------------------------------------------------------------------------------------
# generated pages
# --------------------------------------------------------------------------------------------------

def test_generated_pages_are_up_to_date():
    assert gen.stale_pages(DOCS) == [], "run: python -m model.docs (and commit docs/)"


def test_the_check_command_fails_on_a_stale_page(tmp_path):
    assert gen.main(["--docs", str(tmp_path)]) == 0
    assert gen.main(["--docs", str(tmp_path), "--check"]) == 0
    page = tmp_path / gen.INPUTS_PAGE
    page.write_text(page.read_text().replace("| `lead_time` |", "| `lead_tim` |"))
    assert gen.main(["--docs", str(tmp_path), "--check"]) == 1


def test_every_sheet_and_column_of_the_schema_is_in_the_input_reference():
    sections = _sections((DOCS / gen.INPUTS_PAGE).read_text())
    for sheet in schema.SHEETS:
        assert sheet.name in sections, f"sheet {sheet.name} missing from docs/{gen.INPUTS_PAGE}"
        for col in sheet.columns:
            assert f"| `{col.name}` |" in sections[sheet.name], f"{sheet.name}.{col.name} missing"
    for key in schema.SETTINGS_KEYS:
        assert f"| `{key}` |" in sections["settings"], f"setting {key} missing"


def test_every_verb_and_option_is_in_the_cli_reference():
    sections = _sections((DOCS / gen.CLI_PAGE).read_text())
    for name, cmd in typer.main.get_command(app).commands.items():
        assert name in sections, f"verb {name} missing from docs/{gen.CLI_PAGE}"
        for param in cmd.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert f"`{opt}`" in sections[name], f"{name} {opt} missing"


# --------------------------------------------------------------------------------------------------
# the mathematics
# --------------------------------------------------------------------------------------------------

def test_every_constraint_family_has_its_equation_and_function():
    from model.formulation.constraints import CONSTRAINT_FAMILIES
    sections = _sections((DOCS / "model.md").read_text(), "###")
    for family in CONSTRAINT_FAMILIES:
        name = family.__name__
        assert name in sections, f"constraint family {name} has no '### `{name}`' in docs/model.md"
        body = sections[name]
        assert "```" in body, f"{name}: no equation block"
        assert f"{family.__module__.replace('.', '/')}.py" in body, f"{name}: the module that builds it"


def test_every_risk_measure_has_its_equation_and_class():
    from model.formulation.risk import measure
    sections = _sections((DOCS / "model.md").read_text(), "###")
    for name in schema.RISK_MEASURES:
        assert name in sections, f"risk measure {name} has no '### `{name}`' in docs/model.md"
        body = sections[name]
        cls = type(measure(name))
        assert "```" in body and f"`{cls.__name__}`" in body, f"{name}: equation and class {cls.__name__}"


# --------------------------------------------------------------------------------------------------
# README examples
# --------------------------------------------------------------------------------------------------

COMMAND = re.compile(r"^(?:\$ )?(?:\.venv/bin/|\$\(BIN\)/)?(?:sourcing|python -m model) (.*)$")


def _examples(text: str) -> list[list[str]]:
    """The argument lists of every ``sourcing ...`` line in the text's code blocks (or recipe lines)."""
    found = []
    for line in text.splitlines():
        match = COMMAND.match(line.strip())
        if match:
            found.append(shlex.split(match.group(1), comments=True))
    return found


def test_every_readme_example_parses_and_names_what_the_default_case_has():
    from model.case.reader import read_case
    from model.case.toggles import apply_toggles

    commands = typer.main.get_command(app).commands
    case = read_case(DEFAULT_CASE)
    readme = README.read_text()
    blocks = "\n".join(re.findall(r"```(?:bash|sh|console)?\n(.*?)```", readme, flags=re.S))
    examples = _examples((ROOT / "Makefile").read_text()) + _examples(blocks)
    assert len(examples) >= len(commands)
    written: set[str] = set()
    seen = set()
    for args in examples:
        verb, rest = args[0], args[1:]
        assert verb in commands, f"README: unknown verb in: sourcing {shlex.join(args)}"
        seen.add(verb)
        ctx = commands[verb].make_context(verb, list(rest))  # an unknown option or a bad value raises
        params = ctx.params
        where = f"sourcing {shlex.join(args)}"
        if params.get("case") is not None:
            assert str(params["case"]) in written or (ROOT / params["case"]).is_file(), \
                f"{where}: the case is neither shipped nor written by an example above it"
        for path in params.get("files") or ():
            assert str(path) in written, f"{where}: {path} is not written by an example above it"
        if params.get("ban") or params.get("lift") or params.get("from_period"):
            apply_toggles(case, list(params.get("ban") or []), list(params.get("lift") or []),
                          params.get("from_period"))  # an unknown rule, country or group raises
        assert params.get("risk_measure") in (None, *schema.RISK_MEASURES), f"{where}: --risk-measure"
        gap = params.get("mip_gap")
        assert gap is None or gap == "auto" or 0 <= float(gap) < 1, f"{where}: --mip-gap"
        if params.get("point") is not None:
            point = params["point"]
            assert point in ("min_cost", "knee") or (point.isdigit() and 1 <= int(point) <= (
                params.get("points") or case.settings.frontier_points)), f"{where}: --point {point}"
        for key in ("out", "path"):
            if params.get(key) is not None:
                written.add(str(params[key]))
    assert seen == set(commands), f"README has no example of: {sorted(set(commands) - seen)}"


def test_a_readme_example_with_an_unknown_rule_would_fail():
    """The check above can fail: an unknown option and an unknown rule both raise."""
    from model.case.issues import CaseError
    from model.case.reader import read_case
    from model.case.toggles import apply_toggles
    whatif = typer.main.get_command(app).commands["whatif"]
    with pytest.raises(Exception, match="No such option"):
        whatif.make_context("whatif", ["--bann", "CN_HRE_BAN"])
    with pytest.raises(CaseError, match="no rule with this id"):
        apply_toggles(read_case(DEFAULT_CASE), ["NO_SUCH_RULE"], [])


# --------------------------------------------------------------------------------------------------
# the README and the pages as a whole
# --------------------------------------------------------------------------------------------------

def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _slug(heading: str) -> str:
    """The anchor Python-Markdown's toc extension (and GitHub, for these headings) gives a heading."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def test_the_readme_is_a_short_guide_with_a_table_of_contents():
    text = README.read_text()
    assert len(text.splitlines()) < 250
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    toc = re.findall(r"\]\(#([\w-]+)\)", text)
    assert {_slug(h) for h in headings if h.lower() != "contents"} <= set(toc), "the contents list every section"


def test_every_link_resolves():
    for page in _pages():
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto: not checked here
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                assert dest.name in PENDING_PAGES and dest.parent == DOCS, f"{page.name}: broken link {target}"
                continue
            if anchor and dest.suffix == ".md":
                slugs = {_slug(h) for h in re.findall(r"^#+ (.+)$", dest.read_text(), flags=re.M)}
                assert anchor in slugs, f"{page.name}: no heading for #{anchor} in {dest.name}"


# a file outside the repository that a clone does not have (spelled in two parts, so that this
# test's own text does not match)
OUTSIDE = ("DES" + "IGN", ".." + "/shared", "the des" + "ign's", "the des" + "ign says")


def test_the_docs_cite_only_the_project():
    for page in [*_pages(), ROOT / "mkdocs.yml"]:
        text = page.read_text()
        assert not any(word in text for word in OUTSIDE), page.name


def test_no_file_of_the_repository_cites_a_file_outside_it():
    """Code, tests, docs and build files cite the project's own docs (docs/...), never a file a
    clone does not have."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:  # not a git checkout (an sdist): the files on disk
        tracked = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".yml", ".toml", ".cfg", ".txt", "") or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        offenders += [f"{name}: {word}" for word in OUTSIDE if word in text]
    assert offenders == []


def test_every_page_is_in_the_site_navigation():
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]

    def files(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from (files(value) if isinstance(value, list) else [value])
    listed = set(files(nav))
    present = {p.name for p in DOCS.glob("*.md")}
    assert present <= listed, f"pages missing from mkdocs.yml nav: {sorted(present - listed)}"
    assert listed <= present | PENDING_PAGES, f"nav names missing pages: {sorted(listed - present - PENDING_PAGES)}"


def _build_site(tmp_path: Path, broken: bool = False) -> subprocess.CompletedProcess:
    """mkdocs build --strict on a copy of docs/. A pending page not yet in the repository is stood
    in for in the copy, never in docs/; ``broken`` adds a dangling link to show the build fails."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    docs_copy = tmp_path / "docs"
    shutil.copytree(DOCS, docs_copy)
    for name in PENDING_PAGES:
        if not (docs_copy / name).exists():
            (docs_copy / name).write_text(f"# {name}\n")
    if broken:
        with (docs_copy / "index.md").open("a") as page:
            page.write("\n[a page that is not there](no_such_page.md)\n")
    config.update(docs_dir=str(docs_copy), site_dir=str(tmp_path / "site"))
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    # no --quiet: it hides the warnings that --strict counts
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
                          capture_output=True, text=True, timeout=120)


def test_the_site_builds_without_warnings(tmp_path):
    """mkdocs is a test extra, so this runs wherever the tests run."""
    done = _build_site(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    assert (tmp_path / "site" / "index.html").is_file()


def test_the_site_build_fails_on_a_broken_link(tmp_path):
    done = _build_site(tmp_path, broken=True)
    assert done.returncode != 0 and "no_such_page.md" in done.stderr


def test_every_file_the_docs_name_exists_and_every_package_is_described():
    """A path in backticks (model/..., tests/..., benchmarks/..., inputs/...) on any page is a file
    or folder of the repository, so a renamed module cannot leave the docs behind; the contributors'
    page describes every package under model/."""
    for page in _pages():
        for path in re.findall(r"`((?:model|tests|benchmarks|inputs|docs)/[\w./]*)`", page.read_text()):
            target = ROOT / path
            assert target.exists() or (target.parent == DOCS and target.name in PENDING_PAGES), \
                f"{page.name} names {path}, which is not in the repository"
    layout = (DOCS / "contributing.md").read_text()
    for package in sorted(p.parent for p in (ROOT / "model").rglob("__init__.py")):
        name = package.relative_to(ROOT).as_posix()
        assert f"`{name}/" in layout or f"`{name}/`" in layout, f"docs/contributing.md does not describe {name}/"
