"""Fetch and extract the toy-world art and backgrounds (idempotent; skips what is cached).

    .venv/bin/python python/scripts/toyworld_fetch_art.py [--rasteriser rsvg|cairosvg]

1. `npm pack NAME@VERSION` into data/cache/npm/, `apt-get download NAME=VERSION` into
   data/cache/deb/ (extracted with `dpkg-deb -x` into data/cache/deb/x/NAME/).
2. For each (class, style) in wsolkit.toyworld.catalog: the chosen icon only, rasterised
   (SVG -> RGBA with rsvg-convert, from Debian's librsvg2-bin), trimmed to the alpha bbox,
   scaled to 248 px on the long side plus a 4 px transparent margin (256 px), written to
   data/toyworld/sprites/<style>/<class>.png, and listed in data/toyworld/sprites/index.json
   (missing pairs too, with the reason).
3. Background photos/textures from the Debian wallpaper packages, per disjoint pool, scaled
   to 1280 px on the long side: data/toyworld/backgrounds/<pool>/*.jpg + index.json.
4. Contact sheets: data/toyworld/contact-<split>.png and contact-backgrounds.png.

With --new-classes, step 2 runs instead for the animals outside the 30 classes
(catalog.NEW_CLASSES: snail, goat, dolphin, snake), into data/toyworld/sprites-new/ with
contact sheets data/toyworld/contact-new-<split>.png; nothing else is touched.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from wsolkit.paths import ROOT
from wsolkit.toyworld import catalog as C

DATA = ROOT / "data"
CACHE_NPM = DATA / "cache/npm"
CACHE_DEB = DATA / "cache/deb"
OUT = DATA / "toyworld"
SPRITES = OUT / "sprites"
BGS = OUT / "backgrounds"

RENDER_PX = 1024        # SVGs are rendered with the viewBox's long side at this size, then trimmed
CONTENT_PX = 248        # trimmed art is scaled to this long side ...
MARGIN_PX = 4           # ... plus a transparent margin on every side (256 px in all)
BG_LONG_SIDE = 1280

Image.MAX_IMAGE_PIXELS = None


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------- downloads

def npm_tarball(package: str, version: str) -> Path:
    name = package.lstrip("@").replace("/", "-") + f"-{version}.tgz"
    path = CACHE_NPM / name
    if not path.exists():
        CACHE_NPM.mkdir(parents=True, exist_ok=True)
        log(f"npm pack {package}@{version}")
        subprocess.run(["npm", "pack", f"{package}@{version}", "--silent",
                        "--pack-destination", str(CACHE_NPM)], check=True, stdout=subprocess.DEVNULL)
        if not path.exists():
            raise SystemExit(f"npm pack did not write {path}")
    return path


def deb_root(package: str, version: str) -> Path:
    """Download (apt-get download) and extract (dpkg-deb -x) a Debian package; return its root."""
    CACHE_DEB.mkdir(parents=True, exist_ok=True)
    quoted = version.replace(":", "%3a")
    deb = CACHE_DEB / f"{package}_{quoted}_all.deb"
    if not deb.exists():
        cands = sorted(CACHE_DEB.glob(f"{package}_{quoted}_*.deb"))
        if cands:
            deb = cands[0]
        else:
            log(f"apt-get download {package}={version}")
            subprocess.run(["apt-get", "download", "-q", f"{package}={version}"], cwd=CACHE_DEB,
                           check=True, stdout=subprocess.DEVNULL)
            cands = sorted(CACHE_DEB.glob(f"{package}_{quoted}_*.deb"))
            if not cands:
                raise SystemExit(f"apt-get download {package}={version} wrote no .deb")
            deb = cands[0]
    root = CACHE_DEB / "x" / package
    stamp = root / ".extracted"
    if not stamp.exists() or stamp.read_text() != deb.name:
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        log(f"dpkg-deb -x {deb.name}")
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        stamp.write_text(deb.name)
    return root


class NpmPackage:
    def __init__(self, package: str, version: str):
        self.package, self.version = package, version
        self.tar = tarfile.open(npm_tarball(package, version), "r:gz")
        self.names = set(self.tar.getnames())
        self._json: dict[str, object] = {}

    def read(self, member: str) -> bytes | None:
        if member not in self.names:
            return None
        return self.tar.extractfile(member).read()

    def json(self, member: str):
        if member not in self._json:
            self._json[member] = json.loads(self.read(member))
        return self._json[member]


# ---------------------------------------------------------------- rasterising

def iconify_svg(icons: dict, name: str) -> tuple[bytes, bool] | None:
    """Wrap an Iconify icon body into a standalone SVG; returns (svg, hflip) or None."""
    hflip = False
    seen = 0
    while name not in icons["icons"]:
        alias = icons.get("aliases", {}).get(name)
        if alias is None or seen > 8:
            return None
        hflip ^= bool(alias.get("hFlip"))
        name, seen = alias["parent"], seen + 1
    icon = icons["icons"][name]
    hflip ^= bool(icon.get("hFlip"))
    left, top = icon.get("left", icons.get("left", 0)), icon.get("top", icons.get("top", 0))
    w, h = icon.get("width", icons.get("width", 16)), icon.get("height", icons.get("height", 16))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'width="{w}" height="{h}" viewBox="{left} {top} {w} {h}">{icon["body"]}</svg>')
    return svg.encode(), hflip


def svg_size(svg: bytes) -> tuple[float, float]:
    import re
    m = re.search(rb'viewBox="\s*([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([\d.e]+)[\s,]+([\d.e]+)', svg)
    if m:
        return float(m.group(3)), float(m.group(4))
    mw, mh = re.search(rb'width="([\d.]+)', svg), re.search(rb'height="([\d.]+)', svg)
    return float(mw.group(1)), float(mh.group(1))


def rasterise(svg: bytes, rasteriser: str) -> Image.Image:
    w, h = svg_size(svg)
    s = RENDER_PX / max(w, h)
    W, H = max(1, round(w * s)), max(1, round(h * s))
    if rasteriser == "rsvg":
        exe = shutil.which("rsvg-convert")
        if exe is None:
            raise SystemExit("rsvg-convert not found: apt-get install librsvg2-bin "
                             "(or pass --rasteriser cairosvg with python3-cairosvg)")
        png = subprocess.run([exe, "-w", str(W), "-h", str(H), "-f", "png"], input=svg,
                             check=True, capture_output=True).stdout
    elif rasteriser == "cairosvg":
        import cairosvg
        png = cairosvg.svg2png(bytestring=svg, output_width=W, output_height=H)
    else:
        raise ValueError(rasteriser)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def normalise(im: Image.Image) -> Image.Image:
    """Trim to the alpha bbox, scale to CONTENT_PX on the long side, add MARGIN_PX."""
    im = im.convert("RGBA")
    a = np.asarray(im)[..., 3]
    ys, xs = np.nonzero(a > 0)
    if len(xs) == 0:
        raise ValueError("empty alpha")
    im = im.crop((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
    w, h = im.size
    s = CONTENT_PX / max(w, h)
    im = im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)  # premultiplied
    out = Image.new("RGBA", (im.width + 2 * MARGIN_PX, im.height + 2 * MARGIN_PX), (0, 0, 0, 0))
    out.paste(im, (MARGIN_PX, MARGIN_PX))
    arr = np.asarray(out).copy()
    arr[arr[..., 3] == 0, :3] = 0  # canonical colour under zero alpha
    return Image.fromarray(arr, "RGBA")


def art4apps_cutout(jpeg: bytes, clear_holes: bool = False) -> Image.Image:
    """Flood-fill from the border over near-white pixels (max channel distance <= 40),
    invert to alpha, erode 1 px; then keep the largest blob and any blob at least 15% of its
    area (drops motion scribbles, the dog's bowl and bone). With clear_holes, enclosed
    near-white regions of >= 60 px are cleared too (inside wheels and frames)."""
    import cv2
    rgb = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"))
    near_white = ((255 - rgb.astype(np.int16)).max(axis=2) <= 40).astype(np.uint8)
    n, lab = cv2.connectedComponents(near_white, connectivity=4)
    border = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    bg = np.isin(lab, border[border > 0]) & (near_white > 0)
    if clear_holes:
        areas = np.bincount(lab.ravel())
        bg |= (near_white > 0) & (areas[lab] >= 60)
    fg = (~bg).astype(np.uint8)
    fg = cv2.erode(fg, np.ones((3, 3), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    keep = np.zeros(n, bool)
    areas = stats[:, cv2.CC_STAT_AREA]
    keep[1:] = areas[1:] >= 0.15 * areas[1:].max()
    alpha = np.where(keep[lab], 255, 0).astype(np.uint8)
    return Image.fromarray(np.dstack([rgb, alpha]), "RGBA")


# ---------------------------------------------------------------- sprites

def build_key(*parts: str) -> str:
    """Hash of the catalog, this script and the options: unchanged -> outputs are reused."""
    h = hashlib.sha256()
    for f in (Path(C.__file__), Path(__file__)):
        h.update(f.read_bytes())
    for p in parts:
        h.update(p.encode())
    return h.hexdigest()[:16]


def cached_index(path: Path, key: str) -> dict | None:
    if path.exists():
        idx = json.loads(path.read_text())
        if idx.get("build_key") == key:
            return idx
    return None


def extract_sprites(rasteriser: str, force: bool = False, classes=C.CLASSES, out: Path = SPRITES) -> dict:
    key = build_key("sprites", rasteriser, *(c for c, _ in classes))
    if not force and (idx := cached_index(out / "index.json", key)) is not None:
        log(f"  up to date (delete {out.relative_to(ROOT)} or pass --force to rebuild)")
        return idx
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    npm_cache: dict[tuple[str, str], NpmPackage] = {}
    sprites, missing = [], []
    for style, meta in C.STYLES.items():
        pkg_id = f"{meta['package']}@{meta['version']}"
        for cls, cp in classes:
            rec = dict(cls=cls, style=style, family=meta["family"], split=meta["split"],
                       source=f"{meta['source']}:{pkg_id}", licence=meta["licence"])
            try:
                im, where = load_art(style, meta, cls, cp, npm_cache, rasteriser)
            except LookupError as e:
                missing.append(dict(rec, reason=str(e)))
                continue
            im = normalise(im)
            rel = f"{style}/{cls}.png"
            (out / style).mkdir(exist_ok=True)
            im.save(out / rel, optimize=False)
            sprites.append(dict(rec, id=f"{style}/{cls}", file=rel, path_in_package=where,
                                width=im.width, height=im.height))
        log(f"  {style}: {sum(s['style'] == style for s in sprites)} sprites")
    index = dict(
        format="wsol-lab toyworld sprites v1", build_key=key,
        rasteriser=rasteriser_version(rasteriser),
        content_px=CONTENT_PX, margin_px=MARGIN_PX,
        classes=[c for c, _ in classes],
        styles={s: dict(split=m["split"], family=m["family"], licence=m["licence"],
                        author=m["author"], source=f"{m['source']}:{m['package']}@{m['version']}",
                        default_eval=m.get("default_eval", True))
                for s, m in C.STYLES.items()},
        sprites=sprites, missing=missing,
    )
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index


def load_art(style, meta, cls, cp, npm_cache, rasteriser) -> tuple[Image.Image, str]:
    kind = meta["kind"]
    if (cls, style) in C.MISSING_REASONS:
        raise LookupError(C.MISSING_REASONS[(cls, style)])
    if kind == "art4apps":
        name = C.ART4APPS.get(cls)
        if name is None:
            raise LookupError("no drawing in Art4Apps")
        root = deb_root(meta["package"], meta["version"])
        rel = meta["pattern"].format(name=name)
        im = art4apps_cutout((root / rel).read_bytes(), cls in C.ART4APPS_CLEAR_HOLES)
        return im, "/" + rel
    key = (meta["package"], meta["version"])
    if key not in npm_cache:
        npm_cache[key] = NpmPackage(*key)
    pkg = npm_cache[key]
    if kind == "iconify-name":
        names = C.NAMES.get(style, {})
        name = names.get(cls, cls)
        if name is None:
            raise LookupError("no art in set")
        got = iconify_svg(pkg.json("package/icons.json"), name)
        if got is None:
            raise LookupError(f"icon {name!r} not in set")
        svg, hflip = got
        im = rasterise(svg, rasteriser)
        if hflip:
            im = im.transpose(Image.FLIP_LEFT_RIGHT)
        return im, f"package/icons.json#{name}"
    if kind == "file-cp":
        for v in meta.get("cp_variants", ("{cp}", "{cp}-fe0f")):
            c = v.format(cp=cp)
            member = meta["pattern"].format(cp=c, CP=c.upper())
            data = pkg.read(member)
            if data is not None:
                if member.endswith(".svg"):
                    return rasterise(data, rasteriser), member
                return Image.open(io.BytesIO(data)).convert("RGBA"), member
        raise LookupError(f"no file for {cp}")
    raise ValueError(kind)


def rasteriser_version(r: str) -> str:
    if r == "rsvg":
        return subprocess.run(["rsvg-convert", "--version"], capture_output=True,
                              text=True).stdout.strip()
    import cairosvg
    return f"cairosvg {cairosvg.__version__}"


# ---------------------------------------------------------------- backgrounds

def find_background(pkg: str, name: str, root: Path) -> Path:
    base = root / C.BG_PACKAGES[pkg]["root"]
    if pkg == "plasma-workspace-wallpapers":
        imgs = sorted((base / name / "contents/images").iterdir(), key=lambda p: p.stat().st_size)
        return imgs[-1]  # the largest rendition
    return base / name


def _dep5(path: Path) -> list[tuple[list[str], str, str]]:
    """(file patterns, copyright, licence) stanzas of a machine-readable debian/copyright."""
    out, cur = [], {}
    key = None
    for line in path.read_text(errors="replace").splitlines() + [""]:
        if not line.strip():
            if "Files" in cur:
                out.append((cur["Files"].split(), cur.get("Copyright", "").strip(),
                            cur.get("License", "").strip().splitlines()[0] if cur.get("License") else ""))
            cur, key = {}, None
        elif line[0] in " \t" and key:
            cur[key] += "\n" + line.strip()
        elif ":" in line:
            key, val = line.split(":", 1)
            cur[key] = val.strip()
    return out


def background_credit(pkg: str, name: str, root: Path) -> tuple[str, str]:
    """(author, licence) of one background, from the package's own metadata."""
    import fnmatch
    if pkg == "plasma-workspace-wallpapers":
        meta = json.loads((root / C.BG_PACKAGES[pkg]["root"] / name / "metadata.json").read_text())["KPlugin"]
        lic = {"LGPLv3": "LGPL-3"}.get(meta.get("License", ""), meta.get("License", "?"))
        return ", ".join(a.get("Name", "?") for a in meta.get("Authors", [])), lic
    if pkg == "mate-backgrounds":
        author, lic = "MATE backgrounds contributors", "GPL-2+"
        for pats, cr, li in _dep5(root / "usr/share/doc/mate-backgrounds/copyright"):
            if any(fnmatch.fnmatch(name, p) for p in pats):
                author, lic = cr.replace("\n", "; "), li
        return author, lic
    return ("GNOME backgrounds contributors (Jakub Steiner et al.)",
            "GPL-2+ (package); image credits in gnome-backgrounds' debian/copyright (CC-BY-SA-3.0)")


def extract_backgrounds(force: bool = False) -> dict:
    key = build_key("backgrounds")
    if not force and (idx := cached_index(BGS / "index.json", key)) is not None:
        log("  up to date")
        return idx
    if BGS.exists():
        shutil.rmtree(BGS)
    roots = {p: deb_root(p, m["version"]) for p, m in C.BG_PACKAGES.items()}
    entries = []
    for pool, items in C.BACKGROUNDS.items():
        (BGS / pool).mkdir(parents=True, exist_ok=True)
        for pkg, name in items:
            src = find_background(pkg, name, roots[pkg])
            im = Image.open(src)
            im.draft("RGB", (BG_LONG_SIDE, BG_LONG_SIDE))
            im = im.convert("RGB")
            s = BG_LONG_SIDE / max(im.size)
            if s < 1:
                im = im.resize((round(im.width * s), round(im.height * s)), Image.LANCZOS)
            stem = f"{pkg.split('-')[0]}-{Path(name).stem}".replace("/", "-")
            rel = f"{pool}/{stem}.jpg"
            im.save(BGS / rel, quality=92)
            author, licence = background_credit(pkg, name, roots[pkg])
            entries.append(dict(file=rel, pool=pool, package=f"deb:{pkg}@{C.BG_PACKAGES[pkg]['version']}",
                                path_in_package="/" + str(src.relative_to(roots[pkg])),
                                author=author, licence=licence, width=im.width, height=im.height))
        log(f"  backgrounds {pool}: {len(items)}")
    sa = [e["file"] for e in entries if e["pool"] == "train" and "BY-SA" in e["licence"]]
    if sa:
        raise SystemExit(f"share-alike backgrounds in the training pool: {sa}")
    index = dict(format="wsol-lab toyworld backgrounds v1", build_key=key, long_side=BG_LONG_SIDE,
                 backgrounds=entries)
    (BGS / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index


# ---------------------------------------------------------------- contact sheets

def checker(w: int, h: int, n: int = 8) -> Image.Image:
    yy, xx = np.mgrid[0:h, 0:w]
    c = np.where(((yy // n) + (xx // n)) % 2 == 0, 235, 200).astype(np.uint8)
    return Image.fromarray(np.dstack([c, c, c]), "RGB")


def contact_sheets(index: dict, root: Path = SPRITES, prefix: str = "contact") -> None:
    cell, label_w, head = 88, 84, 16
    by = {(s["cls"], s["style"]): s for s in index["sprites"]}
    for split in C.SPLITS:
        styles = C.styles_for_split(split)
        W, H = label_w + cell * len(styles), head + cell * len(index["classes"])
        sheet = Image.new("RGB", (W, H), "white")
        d = ImageDraw.Draw(sheet)
        for j, st in enumerate(styles):
            d.text((label_w + j * cell + 2, 2), st, fill="black")
        for i, cls in enumerate(index["classes"]):
            y = head + i * cell
            d.text((2, y + cell // 2 - 5), cls, fill="black")
            for j, st in enumerate(styles):
                x = label_w + j * cell
                s = by.get((cls, st))
                if s is None:
                    d.rectangle([x + 2, y + 2, x + cell - 3, y + cell - 3], outline="red")
                    d.line([x + 2, y + 2, x + cell - 3, y + cell - 3], fill="red")
                    continue
                bgc = checker(cell - 4, cell - 4)
                sp = Image.open(root / s["file"])
                sp.thumbnail((cell - 4, cell - 4), Image.LANCZOS)
                bgc.paste(sp, ((cell - 4 - sp.width) // 2, (cell - 4 - sp.height) // 2), sp)
                sheet.paste(bgc, (x + 2, y + 2))
        sheet.save(OUT / f"{prefix}-{split}.png")
        log(f"  wrote {OUT / f'{prefix}-{split}.png'}")


def background_sheet(index: dict) -> None:
    W, H, cols = 200, 125, 6
    ents = index["backgrounds"]
    rows = (len(ents) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * W, rows * (H + 14)), "white")
    d = ImageDraw.Draw(sheet)
    for k, e in enumerate(ents):
        im = Image.open(BGS / e["file"])
        im.thumbnail((W - 4, H - 4))
        x, y = (k % cols) * W, (k // cols) * (H + 14)
        sheet.paste(im, (x + 2, y + 2))
        d.text((x + 2, y + H), e["file"], fill="black")
    sheet.save(OUT / "contact-backgrounds.png")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rasteriser", choices=["rsvg", "cairosvg"], default="rsvg")
    ap.add_argument("--skip-backgrounds", action="store_true")
    ap.add_argument("--force", action="store_true", help="rebuild sprites/backgrounds even if up to date")
    ap.add_argument("--new-classes", action="store_true", help="only the animals outside the 30 classes → data/toyworld/sprites-new/")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.new_classes:
        log("sprites of the new classes:")
        index = extract_sprites(args.rasteriser, args.force, C.NEW_CLASSES, OUT / "sprites-new")
        contact_sheets(index, OUT / "sprites-new", "contact-new")
        n = {sp: sum(s["split"] == sp for s in index["sprites"]) for sp in C.SPLITS}
        log(f"sprites per split: {n}; missing: {[(m['cls'], m['style'], m['reason']) for m in index['missing']]}; {time.time() - t0:.1f} s")
        return
    log("sprites:")
    index = extract_sprites(args.rasteriser, args.force)
    contact_sheets(index)
    if not args.skip_backgrounds:
        log("backgrounds:")
        bg = extract_backgrounds(args.force)
        background_sheet(bg)
    n = {sp: sum(s["split"] == sp for s in index["sprites"]) for sp in C.SPLITS}
    log(f"sprites per split: {n}; missing pairs: {len(index['missing'])}; {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
