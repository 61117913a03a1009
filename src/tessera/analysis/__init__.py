"""Analysis products over the warehouse: each a set of named SQL queries and the Python that
shapes their results (the audit first; profiles, performance, network and look-again later).

Why SQL files and not Python: analysts review the rules as SQL, and the same text can be
transpiled to Spark at national scale; Python only shapes counts into tables.
"""
