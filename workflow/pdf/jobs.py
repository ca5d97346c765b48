"""Typesetting as jobs: what each PDF is made from, which ones are out of date, and running them
on every core.

A PDF is a function of its print HTML, the assets it loads (stylesheets, fonts, the ornament),
the options given to WeasyPrint, and the code that typesets (WeasyPrint's version, this
package's ``typeset`` and ``pdftext`` modules).  ``PdfJob.digest`` hashes exactly these; the
manifest (``output/.manifest.json``) remembers, for each PDF, the digest that made it and the
hash of its bytes.  A PDF whose digest and bytes match is not typeset again: a publish with
nothing to do calls WeasyPrint zero times.  A missing or damaged manifest only means "rebuild".

Jobs run in worker processes (``jobs`` > 1), each importing WeasyPrint once and keeping its
font configuration and caches for all its documents; the parent never imports WeasyPrint when
nothing is to be typeset, nor when a pool of workers typesets (the results it is sent name
``workflow.pdf.policy``, not WeasyPrint).  The bytes do not depend on the number of workers:
each job is the same pure function of its inputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from workflow import libraries
from workflow.fsutil import MAX_RECORD_BYTES, json_pieces, read_input, record_entries
from workflow.model import WorkflowError

log = logging.getLogger(__name__)

MANIFEST = ".manifest.json"
#: Fewest PDFs per worker for a pool to be worth starting.
JOBS_PER_WORKER = 4
_ENGINE = ("typeset.py", "pdftext.py", "policy.py")


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: everything it is made from."""

    path: Path  #: where it is published
    html: str  #: the print HTML
    folder: Path  #: the base URL's folder (the page's own folder)
    assets: Path  #: the folder WeasyPrint may read, with ``media/`` beside it (the checked images)
    variant: str
    identifier: bytes
    epoch: int
    source: str  #: the release file, for messages
    lang: str
    key: tuple[str, str]  #: (slug, lang): the edition it belongs to
    assets_key: str = ""  #: the assets' digest: documents with the same one share a font configuration
    #: The page's stylesheets, in order (bytes: a file of ``assets``; text: rules of this edition's
    #: own), given to WeasyPrint beside the HTML: a worker parses each set once for all its pages.
    stylesheets: tuple[str | bytes, ...] = ()
    input_digest: str = ""  #: :meth:`digest`, once computed: the manifest's ``input`` of the PDF it makes

    def digest(self, assets_digest: str, engine: str) -> str:
        sheets = [hashlib.sha256(css if isinstance(css, bytes) else css.encode("utf-8")).hexdigest()
                  + ("" if isinstance(css, bytes) else " text") for css in self.stylesheets]
        parts = [self.html, str(self.folder.relative_to(self.assets.parent)), self.variant, self.identifier.hex(),
                 str(self.epoch), assets_digest, engine, sheets]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def engine_digest() -> str:
    """What typesets: WeasyPrint's version and the source of our typesetting modules."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(libraries.version("weasyprint").encode())
    for name in _ENGINE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def tree_digest(folder: Path) -> str:
    """A hash of every file under ``folder`` (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_file(output: Path) -> bytes:
    try:
        return read_input(output / MANIFEST, limit=MAX_RECORD_BYTES)
    except (OSError, WorkflowError):
        return b""


def read_manifest(output: Path) -> Mapping[str, dict[str, str]]:
    """PDF (relative to output/) → {"input": digest, "output": sha256}; anything unreadable is dropped."""
    (pdfs,) = read_sections(output, "pdfs")
    for name in [name for name, entry in pdfs.items()
                 if not (isinstance(entry, dict) and isinstance(entry.get("input"), str)
                         and isinstance(entry.get("output"), str))]:
        del pdfs[name]
    return pdfs


def read_sections(output: Path, *names: str) -> tuple[MutableMapping[str, object], ...]:
    """Those sections of the manifest, each an entry a line as ``manifest_pieces`` writes them,
    read a line at a time into shelves (``workflow.shelf``: past a few hundred on disk); empty
    when missing or damaged.  The entries' readers check each entry.  A manifest of another
    shape that is JSON (an older one) is read whole."""
    from workflow.shelf import Shelf

    sections = {name: Shelf() for name in names}
    try:
        if _read_lines(record_entries(output / MANIFEST), sections):
            return tuple(sections.values())
    except (ValueError, TypeError):  # not an entry a line (TypeError: a section named by a list, say)
        pass
    except (OSError, WorkflowError):  # none, or not a file this tool wrote
        return tuple(Shelf() for _ in names)
    try:
        whole = json.loads(_read_file(output).decode("utf-8"))
    except (ValueError, RecursionError):
        whole = None
    whole = whole if isinstance(whole, dict) else {}
    return tuple(Shelf(section if isinstance(section := whole.get(name), dict) else {}) for name in names)


def _read_lines(entries: Iterator[tuple[str, str | int | None, str]],
                sections: Mapping[str, MutableMapping[str, object]]) -> bool:
    """Fill ``sections`` from a manifest's entries (``fsutil.record_entries``); False for anything
    else (JSON written otherwise, or no JSON at all: what was read may be partial)."""
    try:
        for name, key, value in entries:
            section = sections.get(name)
            if section is None:
                continue
            if key is None:  # a section written whole: {} (or another value)
                if isinstance(whole := json.loads(value), dict):
                    section.update(whole)
            elif isinstance(key, str):
                section[key] = json.loads(value)
            else:
                return False  # a list, not a section
    except (ValueError, RecursionError):  # RecursionError: brackets nested thousands deep in an entry
        return False
    return True


def manifest_pieces(entries: Mapping[str, dict[str, str]], **sections: Mapping) -> Iterator[str]:
    """The manifest's text piece by piece, to be written as it is made (``pages.save_manifest``);
    the entries may be on disk (``workflow.shelf``): they are read one at a time, in order, and
    each is written on a line of its own, so that the next run reads them one at a time too."""
    yield from json_pieces({"pdfs": entries, **sections}, levels=2, inline=True)
    yield "\n"


def up_to_date(job: PdfJob, digest: str, manifest: Mapping[str, dict[str, str]], output: Path) -> bool:
    """Whether the PDF on disk is the one ``digest`` made (its bytes checked, not assumed)."""
    entry = manifest.get(job.path.relative_to(output).as_posix())
    if entry is None or entry["input"] != digest:
        return False
    try:
        return hashlib.sha256(job.path.read_bytes()).hexdigest() == entry["output"]
    except OSError:
        return False


def _typeset(job: PdfJob):
    """Run one job (in a worker or here): the Typeset result, or the TypesetError it raised."""
    from workflow.pdf import typeset

    return typeset.write_pdf(job.html, base_url=job.folder, allowed=_allowed(job.assets), variant=job.variant,
                             identifier=job.identifier, epoch=job.epoch, assets_key=job.assets_key,
                             stylesheets=job.stylesheets, styles_base=job.assets)


def _allowed(assets: Path) -> tuple[Path, Path]:
    """What a document may read: the stylesheets and fonts, and the checked images (``workflow.media``)."""
    return assets, assets.parent / "media"


def _warm() -> None:
    """A worker imports WeasyPrint once, before its first document, and patches it for the
    ActualText pass once, for all its documents (``workflow.pdf.pdftext``).  Ctrl-C reaches every
    process of the terminal: the parent alone answers it (a worker's traceback would say nothing more)."""
    import atexit
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()
    from workflow.pdf import pdftext, typeset  # noqa: F401

    pdftext.install_for_process()
    atexit.register(_leave)


def end_with_parent() -> None:
    """In a worker process: end it when its parent dies without ending it (killed with SIGKILL, or
    by the kernel when memory runs out).  A worker waits for its next job on a pipe it also holds
    open itself, so it never learns that no job will come: without this it stayed, with
    WeasyPrint's memory, for ever (found after the tests that kill a publish).  A thread waits on
    the parent's sentinel (``multiprocessing.parent_process``), which the parent holds open
    until it has ended the worker."""
    import threading

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_when_gone, args=(parent.sentinel,), name="end-with-parent", daemon=True).start()


def _end_when_gone(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(1)  # nothing of a dead run's is left to finish: its parent wrote every file, or none


def _leave() -> None:
    """A worker's last act: end the process without tearing down the interpreter.  Freeing
    WeasyPrint's objects one by one took 0.09–0.11 s a worker, which the parent waited for at the
    end of every run that typeset anything; nothing of it is needed.  A worker writes nothing but
    its results, sent (and waited for) before the pool lets it go; its font configuration's
    folder of ``@font-face`` copies lies in the run's own temporary folder, which the parent
    removes (``fsutil.private_tmpdir``).  Registered last, this runs first of the exit handlers."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(0)


def _rehearse(assets: Path, assets_key: str, stylesheets: tuple[str | bytes, ...]) -> None:
    """``typeset.rehearse`` in a worker; what goes wrong is left for the real documents to say."""
    from workflow.pdf import typeset

    try:
        typeset.rehearse(stylesheets=stylesheets, styles_base=assets, allowed=_allowed(assets), assets_key=assets_key)
    except Exception as exc:
        log.debug("the rehearsal page was not typeset: %s", exc)


def run(jobs: list[PdfJob], workers: int, done: Callable[[PdfJob, object], None]) -> None:
    """Typeset ``jobs`` on ``workers`` processes, calling ``done(job, result_or_exception)`` in
    the order of ``jobs`` (so that what is reported does not depend on the timing)."""
    with Runner(workers, done) as runner:
        for job in jobs:
            runner.submit(job)


class Runner:
    """Jobs typeset as they are planned, not all held first: ``submit`` hands a job on and returns,
    ``done(job, result_or_exception)`` is called in the order the jobs were submitted (what is
    reported does not depend on the timing), and the parent never holds more than a few jobs'
    print HTML or PDF bytes at once, however many editions there are.

    A worker costs about a second to start (it imports WeasyPrint and builds its font
    configuration) and a PDF about a quarter of one: the pool starts only once enough jobs are
    waiting for it to pay (``JOBS_PER_WORKER`` a worker); fewer are typeset here, at the end.
    A worker started ahead of the jobs (``Warm``) has paid already: every job goes to it, and
    the other workers start only once enough jobs are planned for them to pay.
    """

    def __init__(self, workers: int, done: Callable[[PdfJob, object], None], warm: Warm | None = None):
        self.workers, self.done = max(1, workers), done
        self.waiting: list[PdfJob] = []  #: planned, not yet handed to a pool (before it starts)
        self.running: deque[tuple[PdfJob, Future, ProcessPoolExecutor]] = deque()
        self.pools: list[tuple[ProcessPoolExecutor, int]] = []  #: each pool and how many workers it has
        self.hint: Future | None = None  #: the workers' ``typeset.speed_hint()``, asked once
        self.planned = 0  #: jobs submitted so far
        if self.workers > 1 and warm is not None and warm.pool is not None:
            self.pools.append((warm.pool, 1))
            self.hint = warm.hint

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if exc_info[0] is None:
                self.close()
        finally:
            pools, self.pools = self.pools, []
            for pool, _ in pools:
                pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, job: PdfJob) -> None:
        if self.workers == 1:
            self.done(job, _attempt(job))
            return
        self.planned += 1
        if self.planned == 2 * JOBS_PER_WORKER:  # enough jobs for every worker to pay for its start
            self._start()
        if not self.pools:
            self.waiting.append(job)
            return
        self._send(job)

    def _start(self) -> None:
        """The pool of every worker, or of those a warm one lacks."""
        started = sum(count for _, count in self.pools)
        if started >= self.workers:
            return
        pool = _pool(self.workers - started)
        self.pools.append((pool, self.workers - started))
        if self.hint is None:
            self.hint = pool.submit(_speed_hint)  # the workers have WeasyPrint loaded; the parent need not
        waiting, self.waiting = self.waiting, []
        for job in waiting:
            self._send(job)

    def _send(self, job: PdfJob) -> None:
        pool = min(self.pools, key=lambda item: self._load(item[0]) / item[1])[0]  # the least busy worker's
        self.running.append((job, pool.submit(_typeset, job), pool))
        # Results are taken in order as soon as they are there; beyond a few jobs a worker, the
        # planning waits for the oldest (memory stays flat: no backlog of HTML or PDFs).
        workers = sum(count for _, count in self.pools)
        while self.running and (self.running[0][1].done() or len(self.running) > 2 * workers):
            self._take()

    def _load(self, pool: ProcessPoolExecutor) -> int:
        return sum(1 for _, _, used in self.running if used is pool)

    def _take(self) -> None:
        job, future, _ = self.running.popleft()
        try:
            result = future.result()
        except Exception as exc:  # a TypesetError, or a worker that died: reported for this PDF alone
            result = exc
        self.done(job, result)

    def close(self) -> None:
        """Every job submitted is done (and ``done`` called) when this returns."""
        if not self.pools:
            for job in self.waiting:  # too few for a pool to pay
                self.done(job, _attempt(job))
            self.waiting = []
        while self.running:
            self._take()

    def speed_hint(self) -> str | None:
        """What would make the PDFs faster (``typeset.speed_hint``), asked where they were typeset:
        of a worker when a pool ran, here otherwise (then WeasyPrint is loaded here anyway)."""
        if self.hint is not None:
            try:
                return self.hint.result()
            except Exception:  # a worker that died: its PDFs say so; a hint is not worth another error
                return None
        return _speed_hint()


class Warm:
    """One worker started as soon as a run knows it has work to do, before it knows which PDFs:
    it imports WeasyPrint (most of a second) while this process reads the project and plans the
    editions, and the first PDFs go to it (``Runner``).  Nothing is started for one job at a time
    (``workers`` 1: everything is typeset here), nor when no process can be started (then the
    runner decides as it would without it).  Leaving the ``with`` ends the worker, waiting for it
    if it is still starting: a run that typesets nothing pays that wait, at most, never a wrong PDF."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.hint: Future | None = None

    def __enter__(self) -> Warm:
        if self.workers > 1:
            pool = _pool(1)
            try:
                self.hint = pool.submit(_speed_hint)  # starts the worker now, and asks it once
            except (OSError, RuntimeError) as exc:  # no process could be started: the runner decides later
                log.debug("no worker started ahead of the PDFs: %s", exc)
                pool.shutdown(wait=False, cancel_futures=True)
                return self
            self.pool = pool
        return self

    def rehearse(self, assets: Path, assets_key: str, stylesheets: tuple[str | bytes, ...]) -> None:
        """Have the worker typeset a page of no use with the run's assets (``typeset.rehearse``) as
        soon as they are written, while this process plans the editions: the first real PDF then
        waits for nothing the worker could have done before.  It runs before any job (the worker
        takes them in order) and costs a run that typesets nothing its length (about 0.2 s) at
        most, waited for at the end."""
        if self.pool is None:
            return
        try:
            self.pool.submit(_rehearse, assets, assets_key, stylesheets)
        except (OSError, RuntimeError) as exc:  # a worker that died: the runner finds out and says so
            log.debug("no rehearsal: %s", exc)

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)  # a runner that took it over shut it already
            self.pool = None


def _pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` PDF workers, each readied by ``_warm``."""
    context = multiprocessing.get_context("spawn")  # no inherited threads or locks: safe everywhere
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)


def _speed_hint() -> str | None:
    from workflow.pdf import typeset

    return typeset.speed_hint()


def _attempt(job: PdfJob) -> object:
    try:
        return _typeset(job)
    except Exception as exc:
        return exc


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
