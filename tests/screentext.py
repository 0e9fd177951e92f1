"""tests/screentext.py — reads the text back out of a QEMU screendump of the
framebuffer console, so a test can check what the screen shows as text.

Each cell of the text grid (where the kernel's "screen:" line says it is)
is compared with the glyphs of the font the kernel was built with
(build/font.psf.gz, read by tools/mkfont): a lit pixel is any that is not
black. A cell that matches no glyph reads as '?'.
"""

import importlib.machinery
import importlib.util
import os
import re

import qemu

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT = os.path.join(REPO, "build", "font.psf.gz")
UNKNOWN = "?"

# "screen: framebuffer 1024x768, text 124x46 from (16,16)" (kernel/drivers/screen.c)
SCREEN_LINE = re.compile(r"screen: framebuffer (\d+)x(\d+), text (\d+)x(\d+) from \((\d+),(\d+)\)")


def _mkfont():
    path = os.path.join(REPO, "tools", "mkfont")
    loader = importlib.machinery.SourceFileLoader("mkfont", path)
    spec = importlib.util.spec_from_loader("mkfont", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def grid(serial_line):
    """(cols, rows, x, y) of the text grid from the kernel's screen: line, or None."""
    found = SCREEN_LINE.search(serial_line)
    return tuple(int(v) for v in found.groups()[2:]) if found else None


def read_screen(ppm, cols, rows, x0, y0, font=FONT):
    """The rows of text the screendump PPM shows, trailing blanks removed."""
    mkfont = _mkfont()
    table, _ = mkfont.ascii_glyphs(font)
    by_bits = {bytes(glyph): ch for ch, glyph in table.items()}
    width, _, pixels = qemu.read_ppm(ppm)

    def lit(x, y):
        return any(pixels[3 * (y * width + x):3 * (y * width + x) + 3])

    lines = []
    for row in range(rows):
        text = []
        for col in range(cols):
            bits = bytes(sum(0x80 >> dx for dx in range(mkfont.WIDTH)
                             if lit(x0 + col * mkfont.WIDTH + dx, y0 + row * mkfont.HEIGHT + dy))
                         for dy in range(mkfont.HEIGHT))
            text.append(by_bits.get(bits, UNKNOWN))
        lines.append("".join(text).rstrip())
    return lines
