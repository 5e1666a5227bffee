"""The three choice sets of the Lipsync serializer, as (value, label) pairs."""

MODEL_VERSION_CHOICES = [
    ("standard", "Standard"),
    ("aurora_v1", "Aurora v1"),
    ("aurora_v1_fast", "Aurora v1 Fast"),
]

ASPECT_RATIO_CHOICES = [
    ("16x9", "Ratio 16 9"),
    ("1x1", "Ratio 1 1"),
    ("9x16", "Ratio 9 16"),
]

CAPTION_STYLE_CHOICES = [
    (value, value.upper().replace("-", "_"))
    for value in [
        "normal-black", "normal-white", "normal-red", "normal-blue", "neo", "brick", "frenzy", "verana",
        "mustard", "glow", "mint", "coolers", "bilo", "toons", "deep-blue", "mystique", "caution", "duality",
        "comic-shadow", "clean-bold", "soft-pill", "underline-bold", "classic-duo", "hand-script",
        "button-glow", "emboss-outline", "standard-bold", "outlined-text", "quiet-serif", "editorial-clean",
        "shout-block", "word-flash", "promo-punch", "light-word", "tagline-bold", "glow-speak", "black-block",
        "zoom-punch",
    ]
]
