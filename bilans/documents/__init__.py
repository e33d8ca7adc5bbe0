"""The bilans' documents: the bilan's PDF (documents/bilan.py)."""
