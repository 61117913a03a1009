"""Writing analysis results out: disclosure control, CSV tables, charts and self-contained HTML
reports, and their terminal rendering.

Why a separate layer: analysis returns plain tables; how a figure is disclosure-controlled
(`disclosure.protect`, docs/disclosure.md), formatted and charted for publication is decided
once, here, for every product.
"""
