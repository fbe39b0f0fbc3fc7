"""``folio import wordpress``: fetching that cannot be turned inwards, and no silent loss.

The download tests run a server on 127.0.0.1.  The command line refuses
that address (see ``test_import.test_download_once_then_cached``); these
call the importer's function with an allow-list of 127.0.0.1 alone, so a
redirect to any other address, even another loopback one, shows the check
made again after the redirect.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import build
from folio.commands.wordpress.fetch import Refused, download_image, is_image, public_address
from test_import import loopback, new_root, run_import, tiny_png

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"\
      b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.215.14", True), ("2606:4700::6810:84e5", True),
    ("127.0.0.1", False), ("127.8.9.10", False), ("::1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False),
    ("fe80::1", False), ("fc00::1", False), ("224.0.0.1", False), ("ff02::1", False),
    ("0.0.0.0", False), ("240.0.0.1", False), ("100.64.0.1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("192.0.2.1", False),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert public_address(ipaddress.ip_address(address)) is public


def test_image_bytes() -> None:
    assert is_image(".png", tiny_png()) and is_image(".gif", GIF)
    assert is_image(".jpg", b"\xff\xd8\xff\xe0rest") and is_image(".webp", b"RIFF\0\0\0\0WEBPVP8")
    assert is_image(".jpg", tiny_png())  # a PNG saved as .jpg is still an image
    assert not is_image(".png", b"<html><script>alert(1)</script>")
    assert not is_image(".webp", b"RIFF\0\0\0\0WAVEfmt ")
    assert not is_image(".svg", SVG) and not is_image(".html", tiny_png())


class Handler(http.server.BaseHTTPRequestHandler):
    """A little web: an image, a page posing as one, redirects inwards and outwards."""

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/wp-content/uploads/cover.png": (200, {}, tiny_png()),
            "/wp-content/uploads/page.png": (200, {}, b"<html><script>alert(1)</script></html>"),
            "/wp-content/uploads/drawing.svg": (200, {}, SVG),
            "/wp-content/uploads/moved.gif": (302, {"Location": "/wp-content/uploads/real.gif"},
                                              b""),
            "/wp-content/uploads/real.gif": (200, {}, GIF),
            "/wp-content/uploads/inwards.png": (
                302, {"Location": f"http://127.0.0.2:{port}/wp-content/uploads/cover.png"}, b""),
            "/wp-content/uploads/private.png": (302, {"Location": "http://10.0.0.1/a.png"}, b""),
            "/wp-content/uploads/file.png": (302, {"Location": "file:///etc/passwd"}, b""),
        }
        status, headers, body = routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/wp-content/uploads"
    finally:
        server.shutdown()
        server.server_close()


def test_download_checks_every_hop(site: str) -> None:
    assert download_image(f"{site}/cover.png", ".png", loopback) == tiny_png()
    assert download_image(f"{site}/moved.gif", ".gif", loopback) == GIF  # re-checked, allowed
    for name, why in (("inwards.png", "127.0.0.2 is 127.0.0.2, not a public internet address"),
                      ("private.png", "10.0.0.1 is 10.0.0.1, not a public internet address"),
                      ("file.png", "'file:///etc/passwd' is not allowed"),
                      ("page.png", "not a PNG, JPEG, GIF or WebP image"),
                      ("drawing.svg", "(only PNG, JPEG, GIF, WebP)")):
        with pytest.raises(Refused, match=why.replace("(", r"\(").replace(")", r"\)")):
            download_image(f"{site}/{name}", "." + name.rsplit(".", 1)[1], loopback)
    with pytest.raises(Refused, match="not a public internet address"):
        download_image(f"{site}/cover.png", ".png")  # the default: this machine is refused
    with pytest.raises(Refused, match="only http and https"):
        download_image("ftp://127.0.0.1/cover.png", ".png", loopback)


def export_with(posts: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title>'
            "<link>https://t.example</link><wp:wxr_version>1.2</wp:wxr_version>"
            + "".join(posts) + "</channel></rss>\n")


def post(slug: str, body: str, post_id: str | None = "1", title: str = "A post") -> str:
    identifier = f"<wp:post_id>{post_id}</wp:post_id>" if post_id is not None else ""
    return (f"<item><title>{title}</title><link>https://t.example/{slug}/</link>{identifier}"
            f"<wp:post_name>{slug}</wp:post_name><wp:post_date>2021-01-02 10:00:00</wp:post_date>"
            "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")


def figure(src: str) -> str:
    return (f'<figure><img src="{src}" alt="The cover"/><figcaption>Cover of the 2001 '
            "Penguin paperback edition of ‘Emma’ by Jane Austen.</figcaption></figure>"
            "<p>Words.</p>")


def test_downloads_in_an_import(tmp_path: Path, site: str) -> None:
    export = tmp_path / "export.xml"
    export.write_text(export_with([
        post("kept", figure(f"{site}/cover.png"), "1"),
        post("inwards", figure(f"{site}/inwards.png"), "2"),
        post("pretend", figure(f"{site}/page.png"), "3"),
        post("drawing", figure(f"{site}/drawing.svg"), "4")]), encoding="utf-8")
    root = new_root(tmp_path)
    run = run_import(root, export, "--download", allowed=loopback)
    assert run.code == 0, run.err
    assert ":cover: /essays/media/cover.png\n" in run.essay("kept")
    assert (root / "essays/media/cover.png").read_bytes() == tiny_png()
    assert sorted(p.name for p in (root / "essays/media").iterdir()) == ["cover.png"]
    for name in ("inwards", "pretend", "drawing"):
        assert ":cover:" not in run.essay(name)
    assert "inwards.png: 127.0.0.2 is 127.0.0.2, not a public internet address" in run.out
    assert "page.png: what came back is not a PNG, JPEG, GIF or WebP image; not kept" in run.out
    assert "drawing.svg: an SVG image is not imported (it can carry scripts)" in run.out
    built = build(root, "html")
    assert built.warnings == "", built.warnings
    assert not [p for p in built.outdir.rglob("*.svg") if "drawing" in p.name]  # drawn covers only


def test_svg_from_media_is_refused(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "drawing.svg").write_bytes(SVG)
    (uploads / "fake.png").write_bytes(b"<html>not an image</html>")
    export = tmp_path / "export.xml"
    export.write_text(export_with([
        post("drawing", figure("https://t.example/wp-content/uploads/drawing.svg"), "1"),
        post("fake", figure("https://t.example/wp-content/uploads/fake.png"), "2")]),
        encoding="utf-8")
    root = new_root(tmp_path)
    run = run_import(root, export, "--media", str(uploads))
    assert run.code == 0, run.err
    assert not (root / "essays/media").exists()
    assert "drawing.svg: an SVG image is not imported" in run.out
    assert "fake.png: not a PNG, JPEG, GIF or WebP image; not copied" in run.out


def test_changed_media_is_kept_unless_forced(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "cover.png").write_bytes(tiny_png())
    export = tmp_path / "export.xml"
    export.write_text(export_with([post("emma", figure(
        "https://t.example/wp-content/uploads/cover.png"))]), encoding="utf-8")
    root = new_root(tmp_path)
    assert run_import(root, export, "--media", str(uploads)).code == 0
    mine = root / "essays/media/cover.png"
    assert mine.read_bytes() == tiny_png()
    assert run_import(root, export, "--media", str(uploads)).out.count("left alone\n") == 0
    mine.write_bytes(GIF)  # the writer put a better scan in its place
    again = run_import(root, export, "--media", str(uploads))
    assert mine.read_bytes() == GIF
    assert "essays/media/cover.png: changed since it was imported; left alone" in again.out
    forced = run_import(root, export, "--media", str(uploads), "--force")
    assert forced.code == 0 and mine.read_bytes() == tiny_png()


def test_posts_without_an_id_are_all_kept(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    export.write_text(export_with([
        post("same", "<p>First words.</p>", None, "First"),
        post("same", "<p>Second words.</p>", None, "Second"),
        post("other", "<p>Third words.</p>", "9", "Third"),
        post("other", "<p>Fourth words.</p>", "9", "Fourth")]), encoding="utf-8")
    root = new_root(tmp_path)
    run = run_import(root, export)
    assert run.code == 0, run.err
    assert "4 written, 0 unchanged" in run.out
    texts = {name: run.essay(name) for name in ("same", "same-2", "other", "other-2")}
    for words, name in (("First", "same"), ("Second", "same-2"), ("Third", "other"),
                        ("Fourth", "other-2")):
        assert f"{words} words." in texts[name]
    build(root, "html")


def test_deep_html_is_noted_and_the_rest_imported(tmp_path: Path) -> None:
    deep = "<p>" + "<span>" * 2000 + "Deep words." + "</span>" * 2000 + "</p>"
    export = tmp_path / "export.xml"
    export.write_text(export_with([post("deep", deep, "1", "Deep"),
                                   post("plain", "<p>Plain words.</p>", "2", "Plain")]),
                      encoding="utf-8")
    root = new_root(tmp_path)
    run = run_import(root, export)
    assert run.code == 0, run.err
    assert "Traceback" not in run.out + run.err
    assert "Deep words." in run.essay("deep") and "Plain words." in run.essay("plain")
    assert "the post's HTML is nested too deeply to convert: imported as plain text" in run.out
    built = build(root, "html")
    assert built.warnings == "", built.warnings
    assert "Deep words." in built.soup("essays/deep.html").get_text()


def test_unknown_encoding_is_one_line(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    export.write_text('<?xml version="1.0" encoding="x-nonesuch"?>\n<rss><channel/></rss>\n',
                      encoding="utf-8")
    run = run_import(new_root(tmp_path), export)
    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1 and "Traceback" not in run.err
    assert "declares an encoding Python does not know (x-nonesuch)" in run.err


def test_names_every_disk_keeps(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    for name in ("CON.png", "Cover.png", "cover.png"):
        (uploads / name).write_bytes(tiny_png())
    images = "".join(f'<p><img src="https://t.example/wp-content/uploads/{name}" alt="{name}"/>'
                     "</p>" for name in ("CON.png", "Cover.png", "cover.png"))
    export = tmp_path / "export.xml"
    export.write_text(export_with([post("con", images, "1"), post("AUX", "<p>Aux.</p>", "2"),
                                   post("creature", "<p>Mine?</p>", "3")]), encoding="utf-8")
    root = new_root(tmp_path)
    (root / "essays").mkdir()
    (root / "essays" / "Creature.md").write_text(
        "---\ntitle: Mine\ndate: 2020-01-01\ngenre: memoir\n---\n\nMine.\n", encoding="utf-8")
    run = run_import(root, export, "--media", str(uploads))
    assert run.code == 0, run.err
    names = sorted(p.name for p in (root / "essays").rglob("*") if p.is_file())
    assert "con.md" not in names and "aux.md" not in names
    assert {"con-essay.md", "aux-essay.md", "creature-2.md", "Creature.md"} <= set(names)
    assert "'con' is not a file name on Windows; written as 'con-essay'" in run.out
    media = sorted(p.name for p in (root / "essays/media").iterdir())
    assert len(media) == 3 and "cover.png" in media
    assert len({name.casefold() for name in media}) == 3
    assert not any(name.split(".")[0].casefold() in ("con", "aux") for name in media)
    assert (root / "essays/Creature.md").read_text(encoding="utf-8").endswith("Mine.\n")


def test_old_addresses_that_cannot_be_folders(tmp_path: Path) -> None:
    items = [post(slug, f"<p>{slug} words.</p>", str(n), f"Post {n}").replace(
        f"<link>https://t.example/{slug}/</link>", f"<link>https://t.example/{link}</link>")
        for n, (slug, link) in enumerate([("up", "a/../../../outside/"), ("glob", "2021/*/"),
                                          ("dev", "aux/post/"), ("fine", "2021/01/fine/")])]
    export = tmp_path / "export.xml"
    export.write_text(export_with(items), encoding="utf-8")
    root = new_root(tmp_path)
    run = run_import(root, export)
    assert run.code == 0, run.err
    redirects = json.loads((root / "wordpress-redirects.json").read_text(encoding="utf-8"))
    assert list(redirects) == ["2021/01/fine/index"]
    assert "old address 'a/../../../outside' not redirected: it has empty, '.' or '..'" in run.out
    assert "old address '2021/*' not redirected: it holds a glob character" in run.out
    assert "old address 'aux/post' not redirected: one of its folders is a device name" in run.out
