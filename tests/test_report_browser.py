"""The rendered report in a real browser: Debian's headless chromium through Playwright, axe-core inside it.

Skipped when chromium or axe-core is missing, unless CI_STRICT_BROWSER=1
(CI), where a missing piece is a failure: `bash tools/browser-deps.sh`
installs both.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest

from test_report import rendered  # noqa: F401  (the session's rendered sample report)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM}"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (run: bash tools/browser-deps.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (python) is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI_STRICT_BROWSER") == "1":
            pytest.fail(f"CI_STRICT_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """Open a report file; records every network request and dialog the page makes."""
    pages = []

    def opener(path: Path):
        # bypass_csp: the page forbids every script; only our injected axe-core may run.
        page = browser.new_page(viewport={"width": 1200, "height": 900}, bypass_csp=True)
        page.requests, page.dialogs = [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(path.resolve().as_uri(), wait_until="load")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.mark.parametrize("name", ["annual-review.html", "dpo-detail.html"])
def test_page_loads_offline_and_shows_content(open_page, rendered, name):  # noqa: F811
    page = open_page(rendered["dir"] / name)
    assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
    assert page.dialogs == []
    assert page.title().startswith("Social Media Policy annual review")
    charts = page.eval_on_selector_all("figure.lks-chart img", "imgs => imgs.map(i => i.naturalWidth)")
    assert charts and all(width > 100 for width in charts), "every chart image decodes"

    from PIL import Image

    shot = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    pixels = list(zip(*[iter(shot.tobytes())] * 3))
    ink = sum(1 for r, g, b in pixels if r + g + b < 600) / len(pixels)
    assert ink > 0.02, f"screenshot looks blank ({ink:.1%} of pixels are not near-white)"
    assert len(set(pixels)) > 50, "screenshot has almost no colours"


@pytest.mark.parametrize("name", ["annual-review.html", "dpo-detail.html"])
@pytest.mark.parametrize("report", ["rendered", "sample_two_years"])
def test_axe_finds_no_serious_or_critical_violations(request, open_page, report, name):
    page = open_page(request.getfixturevalue(report)["dir"] / name)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_print_layout_starts_sections_on_new_pages(open_page, rendered):  # noqa: F811
    page = open_page(rendered["dir"] / "annual-review.html")
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all("section.new-page", "s => s.map(e => getComputedStyle(e).breakBefore)")
    assert breaks and set(breaks) == {"page"}
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 3, "title, measures, findings... on pages of their own"


@pytest.mark.parametrize("name", ["annual-review.html", "dpo-detail.html"])
def test_content_security_policy_blocks_any_script(browser, rendered, name):  # noqa: F811
    page = browser.new_page()
    try:
        page.goto((rendered["dir"] / name).resolve().as_uri(), wait_until="load")
        # Even markup that escaped escaping could not run: an inline script added now is refused.
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__csp_ran = 1'; document.head.appendChild(s); }""")
        assert page.evaluate("() => window.__csp_ran") is None
    finally:
        page.close()
