"""Getting data in: readers per input kind, CAMEO, facts and GDELT rows to quads, the writer."""
