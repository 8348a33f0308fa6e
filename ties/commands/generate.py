"""`ties generate`: write a synthetic OpenAlex corpus with known ties, for the demo and
for benchmarks. The generator itself lives in ``loaders.generate``; this is the shell.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from loaders.generate import write_corpus
from ties.commands._common import config_from, echo_json, json_option

PROGRESS_FROM = 20_000  # show a progress bar from this many works (or on a terminal)


@click.command("generate")
@click.option("--works", "n", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Number of works to generate.")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Random seed; the same seed gives byte-identical output.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder. Default: TIES_HOME/demo.")
@click.option("--format", "fmt", type=click.Choice(["snapshot", "pages", "jsonl"]),
              default="snapshot", show_default=True,
              help="snapshot: works/updated_date=*/part_NNN.gz + manifest (as the OpenAlex "
                   "snapshot); pages: API list pages page_NNNN.json; jsonl: works.jsonl.")
@click.option("--china-share", type=click.FloatRange(0, 1), default=None,
              help="Share of works with a Chinese institution (default 0.8).")
@click.option("--nl-share", type=click.FloatRange(0, 1), default=None,
              help="Share of works with a Dutch institution (default 0.8).")
@click.option("--cmc-share", type=click.FloatRange(0, 1), default=None,
              help="Share of works with Chinese partners that include a PLA institution "
                   "(default 0.025; planted ties come on top).")
@click.option("--mean-authors", type=click.FloatRange(1, 100), default=None,
              help="Mean authors per work (lognormal, capped at 100; default 6).")
@click.option("--force", is_flag=True, help="Replace a corpus already in --out.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: on for large corpora or a terminal).")
@json_option
def command(n: int, seed: int, out: Path | None, fmt: str, china_share: float | None,
            nl_share: float | None, cmc_share: float | None, mean_authors: float | None,
            force: bool, progress: bool | None, as_json: bool) -> None:
    """Generate a synthetic OpenAlex /works corpus with known (planted) ties.

    Institutions, ids and topics are real; authors, titles and DOIs are synthetic and
    every work and author carries "is_synthetic": true. truth.json lists the planted
    ties (direct, dual affiliation, career, indirect, unresolved) for checking analyses.

    Example: ties generate --works 2000 --seed 42 --out demo-corpus
    """
    out = out if out is not None else config_from().home / "demo"
    mix = {k: v for k, v in {"china_share": china_share, "nl_share": nl_share,
                             "cmc_share": cmc_share, "mean_authors": mean_authors}.items()
           if v is not None}
    if progress is None:
        progress = n >= PROGRESS_FROM or sys.stderr.isatty()
    started = time.perf_counter()
    summary = write_corpus(out, n, seed, fmt, progress=progress, overwrite=force, **mix)
    seconds = time.perf_counter() - started
    rate = n / seconds if seconds > 0 else 0.0
    if as_json:
        echo_json({**summary.as_dict(), "seconds": round(seconds, 3),
                   "works_per_second": round(rate)})
        return
    ties = summary.ties
    click.echo(
        f"Wrote {n:,} synthetic works ({fmt}) to {out} in {seconds:.1f} s ({rate:,.0f} works/s); "
        f"ties: {ties['direct']} direct, {ties['dual_affiliation']} dual affiliation, "
        f"{ties['career']} career, {ties['indirect']} indirect (planted), "
        f"{ties['unresolved']} raw-string only; answers in {summary.truth}"
    )
