"""Pages of the bilan. Every rule is checked by `bilans.services` and the reads by `bilans.selectors`."""
