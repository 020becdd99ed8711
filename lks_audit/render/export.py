"""Exporting the executed notebook as self-contained pages: nbconvert with the report's own template.

nbconvert is imported on first use (on a warm-up thread while the kernel runs, see
:func:`prepare_exporters`), so the command starts its kernel without paying for it first.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbconvert.exporters import Exporter
    from nbformat import NotebookNode

#: The page template (lab's layout, nothing fetched from the network, report.css), shipped as package data.
TEMPLATES = Path(__file__).parent / "nbtemplates"
TEMPLATE_NAME = "lks_report"
#: Cells that never appear in an export: papermill's parameters and the notebook's own notes.
ALWAYS_REMOVED = frozenset({"parameters", "injected-parameters", "notebook-only"})


def _drop_stderr_preprocessor():
    from nbconvert.preprocessors import Preprocessor

    class DropStderr(Preprocessor):
        """Warnings a cell printed stay in the executed notebook (the audit trail), not in the report."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code":
                cell.outputs = [
                    o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")
                ]
            return cell, resources

    return DropStderr


def _exporter_class():
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the rendered page.

    That pass re-parses the whole page (base64 charts included) to give images without alt text a
    placeholder and to make every input and output focusable: two thirds of the export time. Every
    image we draw has its own alt text (outputs.charts.figure_html), no input is shown, and no output
    scrolls (report.css), so there is nothing for it to do; the accessibility tests check the page.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # As HTMLExporter.from_notebook_node up to the BeautifulSoup pass (the template needs both
            # filters registered, though no code is shown).
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def make_exporter(remove_tags: Iterable[str] = frozenset()) -> Exporter:
    """An exporter for pages without code, prompts or cells tagged ``remove_tags``, its template loaded."""
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.CSSHTMLHeaderPreprocessor.enabled = False  # code highlighting CSS, and no code is shown
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(ALWAYS_REMOVED | set(remove_tags))
    exporter = _exporter_class()(config=config)
    exporter.register_preprocessor(_drop_stderr_preprocessor(), enabled=True)
    exporter.template  # noqa: B018 - compiled now, so a warm-up thread can do it (see prepare_exporters)
    return exporter


#: The pages the template knows: the DPO's is marked "Contains personal data" on every printed page.
PAGES = ("governors", "dpo")


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that no value can break out of: every character but a letter or a
    digit is written as its code point escape (whose closing space CSS consumes)."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text) + '"'


def export_html(
    nb: NotebookNode,
    title: str,
    remove_tags: Iterable[str] = frozenset(),
    exporter: Exporter | None = None,
    *,
    page: str | None = None,
    running_head: str | None = None,
) -> str:
    """The executed notebook as one self-contained page: no code, no prompts, no cells tagged ``remove_tags``.

    ``page`` (one of :data:`PAGES`) and ``running_head`` (the title printed at the top of every page)
    are for the template."""
    if page is not None and page not in PAGES:
        raise ValueError(f"page must be one of {', '.join(PAGES)}, got {page!r}")
    exporter = exporter or make_exporter(remove_tags)
    resources = {"metadata": {"name": title}, "lks_page": page or ""}
    if running_head:
        resources["lks_running_head"] = css_string(running_head)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _warm_up(exporters: dict) -> None:
    """Export a one-cell notebook shaped like the report's (an HTML result) with each exporter, thrown away.

    An exporter's first export loads and compiles the templates its page template imports (each exporter has
    its own Jinja environment) and nbformat compiles its schema validator: about 0.1 s that would otherwise
    come after the kernel has finished. Nothing of the warm-up reaches the real pages: resources are made
    afresh for every export.
    """
    import nbformat

    cell = nbformat.v4.new_code_cell(
        "1", outputs=[nbformat.v4.new_output("execute_result", {"text/html": "<p>1</p>", "text/plain": "1"})]
    )
    nb = nbformat.v4.new_notebook(cells=[cell])
    nbformat.validate(nb)  # as nbformat.read does for the executed notebook
    for page, exporter in exporters.items():
        export_html(nb, "warm-up", exporter=exporter, page=page, running_head="warm-up")


def prepare_exporters() -> tuple[Callable[[], None], Callable[[], dict]]:
    """Import nbconvert and build both pages' exporters on a thread while the kernel runs.

    This process only waits for the kernel meanwhile; doing it afterwards cost ~0.4 s of every run.
    Returns ``start`` (call it once the kernel is launched: nbconvert imports modules papermill also
    imports, and two threads importing the same module can see it half-initialised) and ``get``,
    giving ``{"governors": exporter, "dpo": exporter}``; an exporter the thread could not build is
    left out and built again (raising its error) where it is used.
    """
    ready: dict = {}

    def build():
        with contextlib.suppress(Exception):
            ready["governors"] = make_exporter(remove_tags={"dpo"})
            ready["dpo"] = make_exporter()
            _warm_up(ready)

    thread = threading.Thread(target=build, daemon=True, name="exporters")

    def start() -> None:
        if thread.ident is None:
            thread.start()

    def get() -> dict:
        if thread.ident is not None:
            thread.join()
        return ready

    return start, get
