"""What the toy world is made of: classes, art styles (with their split), sources, backgrounds.

Everything here is data; `python/scripts/toyworld_fetch_art.py` reads it to extract the art,
the rest of the package reads it to know which style belongs to which split.
See docs/toyworld-data.md.
"""
from __future__ import annotations

# The 30 classes (20 animals, 10 vehicles) and the codepoint used for codepoint-keyed sets.
CLASSES: list[tuple[str, str]] = [
    ("dog", "1f415"), ("cat", "1f408"), ("horse", "1f40e"), ("cow", "1f404"),
    ("pig", "1f416"), ("sheep", "1f411"), ("elephant", "1f418"), ("giraffe", "1f992"),
    ("tiger", "1f405"), ("monkey", "1f412"), ("rabbit", "1f407"), ("bird", "1f426"),
    ("penguin", "1f427"), ("duck", "1f986"), ("rooster", "1f413"), ("owl", "1f989"),
    ("turtle", "1f422"), ("crocodile", "1f40a"), ("whale", "1f40b"), ("fish", "1f420"),
    ("car", "1f697"), ("bus", "1f68c"), ("truck", "1f69a"), ("tractor", "1f69c"),
    ("bicycle", "1f6b2"), ("motorcycle", "1f3cd"), ("airplane", "2708"),
    ("helicopter", "1f681"), ("sailboat", "26f5"), ("locomotive", "1f682"),
]
CLASS_NAMES: list[str] = [c for c, _ in CLASSES]
CODEPOINT: dict[str, str] = dict(CLASSES)

# Animals outside the 30 classes, to teach the pack a class it has never seen (issue 14). No
# stage of the pack trains on them. Their sprites live apart, in data/toyworld/sprites-new/
# (`toyworld_fetch_art.py --new-classes`), so the pack's sprite index and eval sets do not change.
NEW_CLASSES: list[tuple[str, str]] = [("snail", "1f40c"), ("goat", "1f410"), ("dolphin", "1f42c"), ("snake", "1f40d")]

SPLITS = ("train", "val", "test")

# Art styles. `family` = independent design family (fluent-3d/fluent-flat and
# openmoji/openmoji-black are one family each: augmentations, not new styles).
# `kind`: how the fetch script finds a class's art in the package.
#   iconify-name  - Iconify JSON, icon name (Noto's names, or NAMES[style] overrides)
#   file-cp       - a file named by codepoint (pattern with {cp}; `cp_variants` tried in order)
#   art4apps      - JPEG on white from pysiogame, cut out by flood fill
# `default_eval`: used by the default eval builder (openmoji-black is a hard variant, opt-in).
STYLES: dict[str, dict] = {
    "noto": dict(split="train", family="google", kind="iconify-name",
                 source="npm", package="@iconify-json/noto", version="1.2.9",
                 licence="Apache-2.0", author="Google (Noto Emoji)"),
    "noto-v1": dict(split="train", family="google", kind="iconify-name",
                    source="npm", package="@iconify-json/noto-v1", version="1.2.5",
                    licence="Apache-2.0", author="Google (Noto Emoji, older designs)"),
    "twemoji": dict(split="train", family="twitter", kind="file-cp",
                    pattern="package/dist/svg/{cp}.svg",
                    source="npm", package="@discordapp/twemoji", version="16.0.1",
                    licence="CC-BY-4.0", author="Twitter, Inc and other contributors (Twemoji)"),
    "fluent-3d": dict(split="train", family="microsoft", kind="file-cp",
                      pattern="package/assets/{cp}.webp", cp_variants=("{cp}", "{cp}-fe0f"),
                      source="npm", package="@lobehub/fluent-emoji-3d", version="1.1.0",
                      licence="MIT", author="Microsoft Corporation (Fluent Emoji)"),
    "fluent-flat": dict(split="train", family="microsoft", kind="iconify-name",
                        source="npm", package="@iconify-json/fluent-emoji-flat", version="1.2.6",
                        licence="MIT", author="Microsoft Corporation (Fluent Emoji)"),
    "emojione2": dict(split="train", family="emojione2", kind="iconify-name",
                      source="npm", package="@iconify-json/emojione", version="1.2.3",
                      licence="CC-BY-4.0", author="Emoji One (EmojiOne 2)"),
    "fxemoji": dict(split="train", family="mozilla", kind="iconify-name",
                    source="npm", package="@iconify-json/fxemoji", version="1.2.2",
                    licence="CC-BY-4.0", author="Mozilla Foundation (FxEmoji, Firefox OS)"),
    "emojione1": dict(split="val", family="emojione1", kind="iconify-name",
                      source="npm", package="@iconify-json/emojione-v1", version="1.2.3",
                      licence="CC-BY-SA-4.0", author="Emoji One (EmojiOne 1)"),
    "openmoji": dict(split="test", family="openmoji", kind="file-cp",
                     pattern="package/color/svg/{CP}.svg",
                     source="npm", package="openmoji", version="17.0.0",
                     licence="CC-BY-SA-4.0", author="OpenMoji (HfG Schwäbisch Gmünd)"),
    "openmoji-black": dict(split="test", family="openmoji", kind="file-cp",
                           pattern="package/black/svg/{CP}.svg", default_eval=False,
                           source="npm", package="openmoji", version="17.0.0",
                           licence="CC-BY-SA-4.0", author="OpenMoji (HfG Schwäbisch Gmünd)"),
    "art4apps": dict(split="test", family="art4apps", kind="art4apps",
                     pattern="usr/share/games/pysiogame/res/images/art4apps/{name}.jpg",
                     source="deb", package="pysiogame", version="4.20.01-1",
                     licence="CC-BY-SA", author="Art4Apps (via pysiogame, Ireneusz Imiolek)"),
}

SHARE_ALIKE_LICENCES = {"CC-BY-SA-4.0", "CC-BY-SA", "CC-BY-SA-3.0"}

# Iconify icon name per (style, class) where it differs from Noto's name; None = no usable art.
_NOTO_NAMES = {
    "sheep": "ewe", "fish": "tropical-fish", "car": "automobile", "truck": "delivery-truck",
}
NAMES: dict[str, dict[str, str | None]] = {
    "noto": dict(_NOTO_NAMES),
    "noto-v1": dict(_NOTO_NAMES, giraffe=None),
    "fluent-flat": dict(_NOTO_NAMES),
    # EmojiOne 2 draws sitting animals with big heads (dog, cat, tiger...): whole bodies, kept.
    "emojione2": dict(_NOTO_NAMES, giraffe=None),
    "emojione1": dict(_NOTO_NAMES, giraffe=None, duck=None, owl=None),
    "fxemoji": dict(
        _NOTO_NAMES, dog="dogside", cat="catside", pig="pigside", tiger="tigerside",
        rabbit="bunnyside", sheep="sheep", fish="tropicalfish", truck="deliverytruck",
        locomotive="steamlocomotive", giraffe=None, duck=None, owl=None,
    ),
}
# Reasons recorded in the index for a missing (class, style).
MISSING_REASONS: dict[tuple[str, str], str] = {
    ("giraffe", "noto-v1"): "not in set (Unicode 10)",
    ("giraffe", "emojione2"): "not in set (Unicode 10)",
    ("giraffe", "emojione1"): "not in set (Unicode 10)",
    ("giraffe", "fxemoji"): "not in set (Unicode 10)",
    ("duck", "emojione1"): "not in set (Unicode 9)",
    ("owl", "emojione1"): "not in set (Unicode 9)",
    ("duck", "fxemoji"): "not in set (Unicode 9)",
    ("owl", "fxemoji"): "not in set (Unicode 9)",
    ("tractor", "art4apps"): "no drawing in Art4Apps",
    ("airplane", "art4apps"): "no drawing in Art4Apps",
    ("helicopter", "art4apps"): "no drawing in Art4Apps",
}

# Art4Apps file (under art4apps/) per class; None = none. Curated on the contact sheet:
# bird = sparrow ("bird" perches on a leafy branch), sailboat = ship ("boat" is a rowing boat,
# "sail" has an arrow), monkey = chimp, crocodile = alligator, fish = piranha, locomotive = train
# (a toy train with wagons). The owl sits on a branch (no alternative; its box includes it).
ART4APPS: dict[str, str | None] = {
    "dog": "animals/dog", "cat": "animals/cat", "horse": "animals/horse", "cow": "animals/cow",
    "pig": "animals/pig", "sheep": "animals/sheep", "elephant": "animals/elephant",
    "giraffe": "animals/giraffe", "tiger": "animals/tiger", "monkey": "animals/chimp",
    "rabbit": "animals/rabbit", "bird": "animals/sparrow", "penguin": "animals/penguin",
    "duck": "animals/duck", "rooster": "animals/rooster", "owl": "animals/owl",
    "turtle": "animals/turtle", "crocodile": "animals/alligator", "whale": "animals/whale",
    "fish": "animals/piranha", "car": "transport/car", "bus": "transport/bus",
    "truck": "transport/truck", "tractor": None, "bicycle": "transport/bicycle",
    "motorcycle": "transport/motorcycle", "airplane": None, "helicopter": None,
    "sailboat": "transport/ship", "locomotive": "transport/train",
    # NEW_CLASSES
    "snail": "animals/snail", "goat": "animals/goat", "dolphin": "animals/dolphin", "snake": "animals/snake",
}

# Art4Apps drawings whose enclosed white regions are background (wheels, frames).
ART4APPS_CLEAR_HOLES = {"bicycle", "motorcycle"}

# Background photos/textures from Debian packages. Files that show target objects (or
# animals/vehicles at all), logos, and near-empty/transparent images are left out:
#   mate: Elephants* (elephants), LadyBird, TwoWings (insects), GreenTraditional and
#         Float-into-MATE (logos), Arc-Colors-Transparent, Waves, Spring, Gulp, Silk,
#         MATE-Stripes-Light/Dark (transparent or blank)
#   plasma: EveningGlow (boats), Kite (kite), SafeLanding (rocket), FlyingKonqui (dragon),
#           ColorfulCups, Autumn (a figure)
#   gnome: pixels-* (many small icons), symbolic-*/vnc-* (flat colours; procedural covers them)
# Pools are disjoint: train / val / test never share a source image.
BG_PACKAGES: dict[str, dict] = {
    "mate-backgrounds": dict(version="1.26.0-1", root="usr/share/backgrounds/mate",
                             licence="GPL-2+ (Ubuntu MATE images: CC-BY-SA-4.0)"),
    "plasma-workspace-wallpapers": dict(version="4:5.27.5-2", root="usr/share/wallpapers",
                                        licence="LGPL-3 or CC-BY-SA-4.0"),
    "gnome-backgrounds": dict(version="43.1-1", root="usr/share/backgrounds/gnome",
                              licence="CC-BY-SA-3.0"),
}
# (package, path under root, or plasma wallpaper folder name) -> pool. The training pool holds
# no CC-BY-SA image (only GPL-2+ / LGPL-3 ones), so on-the-fly training composites carry no
# share-alike material; the CC-BY-SA wallpapers go to the val/test pools, which are share-alike
# anyway (EmojiOne 1, OpenMoji, Art4Apps). The fetch script checks this.
BACKGROUNDS: dict[str, list[tuple[str, str]]] = {
    "train": [
        ("mate-backgrounds", "nature/Aqua.jpg"), ("mate-backgrounds", "nature/Blinds.jpg"),
        ("mate-backgrounds", "nature/Dune.jpg"), ("mate-backgrounds", "nature/FreshFlower.jpg"),
        ("mate-backgrounds", "nature/GreenMeadow.jpg"), ("mate-backgrounds", "nature/Storm.jpg"),
        ("mate-backgrounds", "nature/Wood.jpg"), ("mate-backgrounds", "desktop/Stripes.png"),
        ("plasma-workspace-wallpapers", "BytheWater"), ("plasma-workspace-wallpapers", "Path"),
        ("plasma-workspace-wallpapers", "DarkestHour"), ("plasma-workspace-wallpapers", "Canopee"),
        ("plasma-workspace-wallpapers", "Cascade"), ("plasma-workspace-wallpapers", "Elarun"),
        ("plasma-workspace-wallpapers", "Opal"), ("plasma-workspace-wallpapers", "Grey"),
    ],
    "val": [
        ("mate-backgrounds", "nature/RainDrops.jpg"),
        ("mate-backgrounds", "desktop/Ubuntu-Mate-Dark-no-logo.png"),
        ("mate-backgrounds", "desktop/Ubuntu-Mate-Cold-no-logo.png"),
        ("plasma-workspace-wallpapers", "Kokkini"), ("plasma-workspace-wallpapers", "Altai"),
        ("plasma-workspace-wallpapers", "IceCold"), ("plasma-workspace-wallpapers", "Honeywave"),
        ("gnome-backgrounds", "grid-l.webp"), ("gnome-backgrounds", "licorice-d.webp"),
        ("gnome-backgrounds", "truchet-d.webp"),
    ],
    "test": [
        ("mate-backgrounds", "nature/Garden.jpg"), ("mate-backgrounds", "nature/YellowFlower.jpg"),
        ("mate-backgrounds", "desktop/Ubuntu-Mate-Radioactive-no-logo.png"),
        ("mate-backgrounds", "desktop/Ubuntu-Mate-Warm-no-logo.png"),
        ("plasma-workspace-wallpapers", "ColdRipple"), ("plasma-workspace-wallpapers", "FallenLeaf"),
        ("plasma-workspace-wallpapers", "OneStandsOut"),
        ("plasma-workspace-wallpapers", "summer_1am"), ("plasma-workspace-wallpapers", "Volna"),
        ("plasma-workspace-wallpapers", "Cluster"), ("plasma-workspace-wallpapers", "Flow"),
        ("plasma-workspace-wallpapers", "MilkyWay"), ("plasma-workspace-wallpapers", "PastelHills"),
        ("plasma-workspace-wallpapers", "Patak"), ("plasma-workspace-wallpapers", "Kay"),
        ("plasma-workspace-wallpapers", "Shell"),
        ("gnome-backgrounds", "adwaita-d.webp"), ("gnome-backgrounds", "adwaita-l.webp"),
        ("gnome-backgrounds", "truchet-l.webp"), ("gnome-backgrounds", "wood-d.webp"),
        ("gnome-backgrounds", "wood-l.webp"), ("gnome-backgrounds", "grid-d.webp"),
        ("gnome-backgrounds", "licorice-l.webp"),
    ],
}


def styles_for_split(split: str, eval_default_only: bool = False) -> list[str]:
    return [s for s, m in STYLES.items()
            if m["split"] == split and (not eval_default_only or m.get("default_eval", True))]
