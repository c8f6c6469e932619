"""The public library: adopted resolutions found by filters, search and feeds, never a draft."""
