"""English is the source language: fill the en catalog's empty entries with their msgids.

Run by `make catalogs` after `pybabel update`; also drops obsolete entries from both catalogs.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "deliberation" / "locale"


def main() -> None:
    for locale in ("en", "uk"):
        path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        catalog.obsolete.clear()
        if locale == "en":
            for message in catalog:
                if not message.id:
                    continue
                if isinstance(message.id, tuple):
                    if not all(message.string):
                        message.string = (message.id[0], message.id[1])
                elif not message.string:
                    message.string = message.id
                message.flags.discard("fuzzy")
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, no_location=True)


if __name__ == "__main__":
    main()
