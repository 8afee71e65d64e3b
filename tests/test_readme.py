"""The README's example outputs are what the code prints: each sits between cog markers that
regenerate it (`make readme`), and `cog --check` fails when any has drifted."""

from __future__ import annotations

import re

from cogapp import Cog
from conftest import ROOT


def test_readme_examples_match_what_botec_prints() -> None:
    status = Cog().main(["cog", "--check", "-I", str(ROOT / "tools"), str(ROOT / "README.md")])
    assert status == 0, "README.md drifted from the code: run `make readme`"


def test_every_output_block_in_the_readme_is_generated() -> None:
    # A ```text block or a results table outside cog markers could drift unseen.
    readme = (ROOT / "README.md").read_text()
    outside = re.sub(r"(?s)\[\[\[cog.*?\[\[\[end\]\]\]", "", readme)
    assert "```text" not in outside
    assert "| Quantity | Fit rows" not in outside


def test_each_common_question_is_answered_in_the_first_five_lines() -> None:
    # The README's "Common questions": each command's first five lines hold at least one figure
    # with its unit ("Title: 34.7K req/s") and, where the command judges, the verdict.
    from conftest import cli

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Common questions")[1].split("## How sure is this?")[0]
    commands = re.findall(r"```sh\nbotec (.+)\n```", section)
    assert len(commands) == 10
    import shlex

    for command in commands:
        code, out, err = cli(*shlex.split(command), "--samples", "200")
        assert code == 0, (command, err)
        head = out.splitlines()[:5]
        assert any(re.search(r": \$?[\d.,]+\S* ?\S", line) for line in head), (command, head)


def test_every_picture_the_readme_shows_is_in_the_repository() -> None:
    # `make readme` draws docs/*.svg and docs/playground.png; a link to a missing file shows
    # nothing on the page.
    readme = (ROOT / "README.md").read_text()
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert any(p.endswith("deployment-day.svg") for p in pictures)
    for picture in pictures:
        assert (ROOT / picture).is_file(), picture
