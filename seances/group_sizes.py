"""How many groups a site makes, and their balanced sizes: arithmetic, no database."""

import math


def default_group_count(headcount: int, max_size: int = 17) -> int:
    """ceil(headcount ÷ max size), at least one group."""
    return max(1, math.ceil(headcount / max_size))


def split_sizes(headcount: int, groups: int) -> list[int]:
    """Balanced sizes: 20 in 2 groups makes 10 + 10, not 17 + 3."""
    base, extra = divmod(headcount, groups)
    return [base + (1 if i < extra else 0) for i in range(groups)]
