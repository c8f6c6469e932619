"""Exports: a resolution as Markdown, plain text, DOCX, JSON and Akoma Ntoso; comparative tables; DOCX import.

The renderers are pure: each takes a ``source.ResolutionSource`` (or two lists of paragraphs) and
returns bytes or str, with no database and no web. Labels are translated with ``gettext`` in
whatever locale is current; the web layer sets the network's language, so an export's bytes are
the same for every reader and can be cached publicly at the resolution's permanent address.
``queries`` reads what the renderers need in one statement; ``docx_in`` turns an uploaded .docx
into a new draft.
"""
