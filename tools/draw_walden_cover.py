"""Draw the sample collection's one raster cover (Walden): our own drawing.

Run once with Pillow installed (``pip install pillow``) and Debian's
fonts-sil-gentiumplus; the PNG is committed, so building the site never needs
Pillow.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 400, 600
#: Debian's fonts-sil-gentiumplus (the collection's text face), which the PDF needs too.
FACE = "/usr/share/fonts/truetype/gentiumplus/GentiumBookPlus-Regular.ttf"
ITALIC = "/usr/share/fonts/truetype/gentiumplus/GentiumBookPlus-Italic.ttf"


def draw(target: Path) -> None:
    image = Image.new("RGB", (WIDTH, HEIGHT), (222, 214, 190))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 330, WIDTH, HEIGHT), fill=(70, 98, 88))  # the far shore
    pen.ellipse((40, 380, 360, 520), fill=(120, 160, 170))  # the pond
    for x in range(20, WIDTH, 46):  # pines along the shore
        pen.polygon([(x, 360), (x + 22, 250 + (x * 7) % 40), (x + 44, 360)], fill=(40, 70, 55))
    pen.rectangle((176, 330, 224, 370), fill=(120, 84, 60))  # the cabin
    pen.polygon([(170, 332), (200, 306), (230, 332)], fill=(90, 60, 44))
    pen.rectangle((30, 60, WIDTH - 30, 200), outline=(70, 98, 88), width=3)
    # The title box holds the title and author (it was drawn empty before issue 20).
    ink = (40, 70, 55)
    pen.text((WIDTH / 2, 112), "WALDEN", fill=ink, anchor="mm",
             font=ImageFont.truetype(FACE, 54))
    pen.text((WIDTH / 2, 162), "Henry David Thoreau", fill=ink, anchor="mm",
             font=ImageFont.truetype(ITALIC, 26))
    image.save(target, optimize=True)


if __name__ == "__main__":
    draw(Path(__file__).resolve().parent.parent / "_static" / "covers" / "walden.png")
