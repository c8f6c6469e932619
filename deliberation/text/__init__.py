"""Pure text algorithms: canonical form, tokens, word diffs, 3-way merge, paragraph ids, anchors."""
