"""Getting data in: readers per input kind, reference data, facts and GDELT rows to quads, the writer."""
