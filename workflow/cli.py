"""The command line: ``python -m workflow <command>``.  Parsing, exit codes and output only.

Logging policy (everything goes to standard error; library code logs, never prints):

* ERROR — a finding that failed something: ``file:line: error: what — what to do``.
* WARNING — a finding worth a look; the run still succeeds.
* INFO — the summary at the end (one row per release and language: final, draft or failed,
  and why) and the hints; shown by default, hidden by ``-q``.
* DEBUG — with ``-v``: what is being done, one line per release and language with its time.

Other libraries' loggers (Python-Markdown, fontTools) are kept at WARNING or above even with
``-v``: their debug output says nothing to a user.  WeasyPrint's messages are collected per PDF
and sorted by the policy in ``workflow.pdf.typeset``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from workflow import build, project as project_io
from workflow.lifecycle import Stage
from workflow.model import WorkflowError
from workflow.report import in_order

log = logging.getLogger("workflow")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: A run stopped by Ctrl-C (SIGINT) or by SIGTERM: 128 + the signal's number, as shells say it.
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM
INTERRUPTED = "interrupted; nothing half-written: run again"


class Terminated(BaseException):
    """SIGTERM, raised where the run is, so that every ``finally`` runs as for Ctrl-C: temporary
    files and folders are removed, the lock is released, nothing is left half-written."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workflow",
                                     description="Publish press releases in several languages from one source.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what is being done")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    publish = commands.add_parser("publish", help="update the catalogs and build every edition under output/")
    publish.add_argument("-j", "--jobs", type=int, default=None,
                         help="PDFs typeset at once (default: the machine's cores)")
    commands.add_parser("update-po", help="rebuild the templates and merge them into every catalog")
    status = commands.add_parser("status", help="how much of each catalog is translated, where each edition stands")
    status.add_argument("--format", choices=("text", "json"), default="text")
    check = commands.add_parser("check", help="check every translation; exit 1 on any error")
    check.add_argument("files", nargs="*", type=Path, help="PO files to check instead of the project's catalogs")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--source-lang", default="en", help="the source language of FILES (default: en)")
    approve = commands.add_parser("approve", help="approve an edition as it is now, so that publish issues it")
    approve.add_argument("--release", required=True, help="the release's slug (its file name without .md)")
    approve.add_argument("--lang", required=True, help="the edition's language, e.g. fr")
    approve.add_argument("--by", required=True, help="who approves, e.g. \"Sokha Chan\"")
    return parser


def args_command_typesets(report: build.Report) -> bool:
    return bool(report.outcomes)


def _summary(report: build.Report, started: float) -> None:
    # Counted, and the table sorted by its releases' names alone: the findings and the editions'
    # records are on disk past a few hundred (``workflow.shelf``), and a sorted list of every
    # record (12,000 at 4,000 releases) was where such a run's memory peaked.
    severities = Counter(f.severity for f in report.findings)
    errors, warnings = severities["error"], severities["warning"]
    outcomes = report.outcomes
    if outcomes:
        width = max(len(slug) for slug, _lang in outcomes)
        states = max(len(outcome.state) for outcome in outcomes.values())
        log.info("")
        log.info("%-*s  %-4s  %-*s  %s", width, "release", "lang", states, "state", "why")
        for slug, lang in in_order(outcomes):
            outcome = outcomes[slug, lang]
            log.info("%-*s  %-4s  %-*s  %s", width, slug, lang, states, outcome.state, outcome.why)
    for hint in report.hints:
        log.info("hint: %s", hint)
    if args_command_typesets(report):
        counts = Counter(outcome.state for outcome in report.outcomes.values())
        public = sum(n for state, n in counts.items() if state != "failed" and Stage(state).public)
        log.info("%d edition(s): %d public, %d draft or awaiting approval, %d withdrawn, %d failed; "
                 "%d PDF(s) typeset, %d unchanged; %.1f s", counts.total(), public,
                 counts[Stage.DRAFT.value] + counts[Stage.READY.value], counts[Stage.WITHDRAWN.value], counts["failed"],
                 report.typeset, report.unchanged, time.perf_counter() - started)
    log.info("%d file(s) written, %d warning(s), %d error(s)", len(report.written), warnings, errors)
    if errors:
        log.error("%d error(s); fix the files named above and run again.", errors)


def _check(project: project_io.Project, args: argparse.Namespace) -> int:
    from workflow import qa  # the checks: only 'check' needs them here (see workflow.build)

    try:
        if args.files:
            checked, ok = qa.check_files(args.files, source_lang=args.source_lang, glossary_root=project.root), True
        else:
            checked, report = qa.check_project(project)
            ok = report.ok
    except WorkflowError as exc:
        return _refused(exc, EXIT_FAILED)
    sys.stdout.write(qa.as_json(checked) if args.format == "json" else qa.as_text(checked))
    return EXIT_OK if ok and not checked.errors else EXIT_FAILED


def _status(project: project_io.Project, form: str = "text") -> int:
    from workflow import catalog

    plans, ws, report = build.edition_states(project)
    if form == "json":
        data = {"catalogs": [{"lang": lang, "catalog": domain, **asdict(catalog.stats(po))}
                             for (lang, domain), po in sorted(ws.catalogs.items())],
                "editions": [{"release": slug, "lang": lang, "state": plan.stage.value, "missing": plan.why}
                             for (slug, lang), plan in sorted(plans.items())]}
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK if report.ok else EXIT_FAILED
    print(f"{'language':8} {'catalog':48} {'done':>5} {'fuzzy':>5} {'todo':>5} {'words left':>10}")
    for (lang, domain), po in sorted(ws.catalogs.items()):
        s = catalog.stats(po)
        print(f"{lang:8} {domain:48} {s.translated:5} {s.fuzzy:5} {s.untranslated:5} {s.words_left:10}")
    print()
    width = max([len(slug) for slug, _lang in plans] + [7])
    print(f"{'release':{width}}  {'lang':4}  {'edition':26}  what is missing")
    for (slug, lang), plan in sorted(plans.items()):
        print(f"{slug:{width}}  {lang:4}  {plan.stage.value:26}  {plan.why}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _ours_or_warning(record: logging.LogRecord) -> bool:
    """Our own progress and summary; only warnings and errors of other libraries."""
    return record.levelno >= logging.WARNING or record.name.split(".")[0] == "workflow"


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = _parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_ours_or_warning)
    for noisy, floor in (("fontTools", logging.ERROR), ("weasyprint", logging.WARNING), ("MARKDOWN", logging.WARNING)):
        logging.getLogger(noisy).setLevel(floor)  # their progress messages are not for users
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        try:
            project = project_io.load(args.root)
        except WorkflowError as exc:
            return _refused(exc, EXIT_USAGE)
        status = _run(project, args, started)
        sys.stdout.flush()  # here, not at exit, where a closed pipe would print a traceback
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_FAILED
    except WorkflowError as exc:  # a file that could not be written, say: named, never a traceback
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    except (KeyboardInterrupt, Terminated) as exc:
        # Every file is written whole or not at all (fsutil.write_atomic): one line, no traceback.
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else EXIT_TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return status


def _refused(exc: WorkflowError, code: int) -> int:
    """An error that stops a command before it starts (the settings, a file named on the command
    line), said the one way every error of the project is said: ``path:line: message — hint``
    (:class:`workflow.model.WorkflowError`); shown even with ``-q``."""
    print(exc, file=sys.stderr)
    return code


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _quiet_stdout() -> None:
    """The reader of our output went away (``make status --format json | head -1``): nothing is
    wrong with the catalogs, so say nothing; what is left in the buffer goes nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # no file descriptor (a test's captured output): nothing will be flushed to a pipe


def _run(project: project_io.Project, args: argparse.Namespace, started: float) -> int:
    if args.command == "status":
        return _status(project, args.format)
    if args.command == "check":
        return _check(project, args)
    if args.command == "approve":
        report = build.approve(project, args.release, args.lang, args.by)
        return EXIT_OK if report.ok else EXIT_FAILED
    if args.command == "publish":
        if args.jobs is not None and args.jobs < 1:
            print("--jobs must be 1 or more", file=sys.stderr)
            return EXIT_USAGE
        report = build.publish(project, jobs=args.jobs)
    else:
        report = build.update_po(project)
    _summary(report, started)
    return EXIT_OK if report.ok else EXIT_FAILED
