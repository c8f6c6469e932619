"""Full-text search in Ukrainian over resolutions (for everyone) and drafts (for members).

``models`` holds the index table, ``index`` keeps it current and rebuilds it, ``queries`` searches
it. SQLite matches with an FTS5 table and PostgreSQL with a ``tsvector`` column and a GIN index,
both built by migration 0005 over the same lemmatised text (``deliberation.text.lemmas``).
"""
