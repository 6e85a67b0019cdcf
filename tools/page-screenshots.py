"""Make the screenshots of the two pages in docs/ (1280x800, headless Chromium).

    python tools/page-screenshots.py [--out docs]

docs/explorer.png: the page of ``tinygrad-scalar graph "tanh(x1*w1 + x2*w2 + b)" ...
--html neuron.html`` at step 4 of its backward sweep, with w1 clicked;
docs/report.png: the page of ``python demos/moons.py --report run.html``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser  # noqa: E402  (tests/browser.py: the driver the page tests use)

NEURON = ["graph", "tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1",
          "b=6.8813735870195432"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    args = ap.parse_args()
    out = Path(args.out)
    work = Path(tempfile.mkdtemp(prefix="tinygrad-scalar-pages-"))
    neuron, run = work / "neuron.html", work / "run.html"
    subprocess.run([sys.executable, "-m", "tinygrad_scalar", *NEURON, "--html", str(neuron)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, str(ROOT / "demos" / "moons.py"), "--quiet", "--out",
                    str(work), "--report", str(run)], check=True, stdout=subprocess.DEVNULL)
    d = browser.start()
    try:
        browser.open_page(d, neuron)
        for _ in range(4):
            d.find_element("id", "next").click()
        w1 = d.execute_script("return Array.from(document.querySelectorAll('g[data-node]'))"
                              ".filter(function (g) { return g.querySelector('text')"
                              ".textContent === 'w1'; })[0].getAttribute('data-node');")
        d.find_element("css selector", f'g[data-node="{w1}"]').click()
        d.save_screenshot(str(out / "explorer.png"))
        browser.open_page(d, run)
        d.execute_script("var s = document.getElementById('frame'); s.value = 4;"
                         "s.dispatchEvent(new Event('input'));")
        d.save_screenshot(str(out / "report.png"))
        if browser.errors(d):
            raise SystemExit(f"the pages logged errors: {browser.errors(d)}")
    finally:
        browser.stop(d)
    print(f"wrote {out / 'explorer.png'} and {out / 'report.png'}")


if __name__ == "__main__":
    main()
