"""LUS Signs training: prepared-frame data sets, clip-grouped splits, augmentation and Table 1 metrics."""

CLASSES = ("a_lines", "b_lines", "pleural_effusion", "consolidation")
