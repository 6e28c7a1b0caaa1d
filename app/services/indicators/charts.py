"""Bar charts drawn on the server by matplotlib as SVG, made fit for a strict CSP page.

matplotlib writes its styling as ``style`` attributes and a ``<style>`` element, both of
which ``style-src 'self'`` refuses inline: they become presentation attributes (``fill``,
``stroke``, ``font-size`` ...), which are not CSS and are allowed. The chart is one image for
assistive technology (``role="img"``, a title and a description), and the page puts the same
figures in a table beside it."""

import io
import re
from xml.etree import ElementTree

import matplotlib
from defusedxml import ElementTree as defused

matplotlib.use("Agg")  # no display on a server
# Text stays text (readable, selectable, translated), and ids are the same on every run.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "mot"})
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

SVG = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
# Colours with at least 3:1 contrast against white (WCAG 1.4.11, graphical objects), one per
# series: this year, the year before, or a municipality each.
PALETTE = ("#0b4f8a", "#8a5a00", "#1b6e35", "#8b1e5b", "#4d4d4d")
TEXT = "#1a1a1a"
PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-opacity",
    "stroke-dasharray",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "clip-path",
}
_FONT = re.compile(r"(?:(?P<weight>bold|normal|\d{3})\s+)?(?P<size>[\d.]+px)\s+(?P<family>.+)")


def _presentation(style: str) -> dict[str, str]:
    attributes = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":
            match = _FONT.match(value)
            if match:
                attributes["font-size"] = match["size"]
                attributes["font-family"] = match["family"].replace("'", "")
                if match["weight"]:
                    attributes["font-weight"] = match["weight"]
        elif name in PRESENTATION:
            attributes[name] = value
    return attributes


def _prefix_ids(root, ident: str) -> None:
    """Ids unique on a page of several charts, with the references to them."""
    href = "{http://www.w3.org/1999/xlink}href"
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{ident}-{element.get('id')}")
        if href in element.attrib:
            element.set(href, element.get(href).replace("#", f"#{ident}-", 1))
        clip = element.get("clip-path")
        if clip:
            element.set("clip-path", clip.replace("url(#", f"url(#{ident}-"))


def csp_safe(svg: str, *, title: str, description: str, ident: str) -> str:
    """The SVG without style attributes or elements, as one labelled image."""
    root = defused.fromstring(svg)
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG}}}style":
                parent.remove(child)
        style = parent.attrib.pop("style", None)
        if style:
            for name, value in _presentation(style).items():
                parent.set(name, value)
    _prefix_ids(root, ident)
    for name in ("width", "height"):
        root.attrib.pop(name, None)  # sized by the page's CSS, from its viewBox
    root.set("role", "img")
    root.set("aria-labelledby", f"{ident}-title {ident}-desc")
    root.set("focusable", "false")
    desc = ElementTree.Element(f"{{{SVG}}}desc", id=f"{ident}-desc")
    desc.text = description
    heading = ElementTree.Element(f"{{{SVG}}}title", id=f"{ident}-title")
    heading.text = title
    root.insert(0, desc)
    root.insert(0, heading)
    for element in root.iter():
        if element.tag == f"{{{SVG}}}metadata":
            root.remove(element)
            break
    return ElementTree.tostring(root, encoding="unicode")


def bar_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    title: str,
    description: str,
    ident: str,
) -> str:
    """Horizontal bars, one group per label and one bar per series (this year and the year
    before, or one per municipality); a hidden or missing value draws no bar (the table
    says why)."""
    height = 0.6 + 0.45 * max(1, len(labels)) * max(1, len(series))
    figure = Figure(figsize=(6.4, height), dpi=72)
    axes = figure.add_subplot()
    width = 0.8 / max(1, len(series))
    for index, (name, values) in enumerate(series):
        positions = [row + index * width for row in range(len(labels))]
        bars = axes.barh(
            positions,
            [v or 0 for v in values],
            height=width,
            label=name,
            color=PALETTE[index % len(PALETTE)],
        )
        axes.bar_label(
            bars, labels=["" if v is None else f"{v:g}" for v in values], padding=3, color=TEXT
        )
    axes.set_yticks([row + width * (len(series) - 1) / 2 for row in range(len(labels))], labels)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts, and whole per cents
    axes.tick_params(colors=TEXT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(series) > 1:
        axes.legend(loc="lower right", frameon=False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return csp_safe(buffer.getvalue(), title=title, description=description, ident=ident)
