"""Writing analysis results out: CSV tables, charts and self-contained HTML reports, and their
terminal rendering.

Why a separate layer: analysis returns plain tables; how a figure is formatted, charted or
(later) disclosure-controlled for publication is decided once, here, for every product.
"""
