"""Image files made on the spot for the tests (Pillow), with what a camera would put in."""

import io

from PIL import Image

# The EXIF tags a phone writes: who took it, with what, and where (GPS).
ARTIST, MAKE, GPS_INFO = 0x013B, 0x010F, 0x8825


def photo(width=1600, height=1200, fmt="JPEG", mode="RGB", exif=True, tail=b"") -> bytes:
    """A picture ``width`` by ``height`` pixels in ``fmt``; with a camera's EXIF metadata (for
    JPEG) and ``tail`` appended after the image data (as a polyglot file would)."""
    colour = (200, 80, 20, 128) if mode == "RGBA" else (200, 80, 20)
    image = Image.new(mode, (width, height), colour if mode in ("RGB", "RGBA") else 128)
    for x in range(0, width, 40):
        for y in range(0, height, 40):
            image.putpixel((x, y), (10, 47, 82) if mode in ("RGB", "RGBA") else 0)
    out = io.BytesIO()
    options = {}
    if exif and fmt == "JPEG":
        info = Image.Exif()
        info[ARTIST] = "Ana Fotógrafa"
        info[MAKE] = "PhoneCam"
        info[GPS_INFO] = {1: "N", 2: (40.0, 29.0, 0.0)}
        options["exif"] = info.tobytes()
    image.save(out, fmt, **options)
    return out.getvalue() + tail


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450">'
    b'<script>alert("x")</script><rect width="800" height="450"/></svg>'
)
