"""Cover images for the demo content, drawn here with Pillow when the demo is loaded: abstract
shapes over a gradient in the colours of each record's first category. Made for this
project, nothing copied; the same record always gets the same picture (a seeded random), so
loading the demo on two machines stores the same files under the same names."""

from __future__ import annotations

import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter

from events_app.images.placeholder import category_colour
from events_app.images.store import MediaStore
from events_app.slugs import slugify

SIZE = (1600, 900)

# Which demo records get a picture, and the words that stand for it (alt text).
COVERS: dict[str, str] = {
    "quantum-links-public-lecture": "Abstract artwork: linked rings of light over a deep blue "
    "gradient",
    "open-research-infrastructure-forum": "Abstract artwork: overlapping circles and bands in "
    "greens and blues",
    "ai-for-climate-joint-lab-showcase": "Abstract artwork: soft circles drifting across a warm "
    "gradient",
    "global-biodiversity-data-hackathon": "Abstract artwork: a scatter of bright dots over "
    "green bands",
    "shared-labs-shared-data": "Abstract artwork: translucent circles over a blue-green gradient",
    "quantum-links-across-borders": "Abstract artwork: concentric rings on a dark blue gradient",
}


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def draw(seed: str, categories: list[str]) -> bytes:
    """A PNG of abstract shapes in the categories' colours; the same for the same seed."""
    rng = random.Random(seed)
    slugs = [slugify(name, max_length=80) for name in categories] or [seed]
    first = _rgb(category_colour(slugs[0]))
    second = _rgb(category_colour(slugs[-1] if len(slugs) > 1 else seed))
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    pixels = ImageDraw.Draw(image)
    for y in range(height):  # a vertical gradient from one colour into the other
        pixels.line([(0, y), (width, y)], fill=_mix(first, second, y / height))
    shapes = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    pen = ImageDraw.Draw(shapes)
    for _ in range(rng.randint(5, 9)):
        radius = rng.randint(80, 420)
        x, y = rng.randint(0, width), rng.randint(0, height)
        tint = _mix((255, 255, 255), rng.choice([first, second]), rng.random() * 0.6)
        box = (x - radius, y - radius, x + radius, y + radius)
        if rng.random() < 0.5:
            pen.ellipse(box, fill=(*tint, rng.randint(40, 110)))
        else:
            pen.ellipse(box, outline=(*tint, 150), width=rng.randint(6, 18))
    for _ in range(rng.randint(1, 3)):  # a diagonal band
        offset = rng.randint(-height, width)
        band = [
            (offset, 0),
            (offset + 220, 0),
            (offset + 220 - height, height),
            (offset - height, height),
        ]
        pen.polygon(band, fill=(255, 255, 255, rng.randint(18, 40)))
    image.paste(shapes.filter(ImageFilter.GaussianBlur(2)), (0, 0), shapes)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def demo_cover(store: MediaStore, slug: str, categories: list[str]) -> dict[str, str]:
    """The image fields of the demo record `slug`: stored and named, or none."""
    alt = COVERS.get(slug)
    if alt is None:
        return {}
    return {"image": store.save(draw(slug, categories)), "image_alt": alt}
