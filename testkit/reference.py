"""A straightforward per-bid Python implementation of :func:`density_clear`'s rule.

Written the way seed 000 sketches its clearing round: Python lists, one bid at a
time, a linear scan for each winner's displaced bid. It is the baseline the
benchmark compares the numpy version against, and the tests use it as an
independent implementation of the same rule.
"""


def density_clear_reference(values, quantities, supply, budgets=None):
    """Return (winners, payments, price) by the rule of ``density_clear``."""
    n = len(values)
    live = [i for i in range(n) if budgets is None or values[i] <= budgets[i]]
    live.sort(key=lambda i: (-values[i] / quantities[i], i))

    remaining = supply
    left_when_reached = {}
    granted = set()
    for i in live:
        left_when_reached[i] = remaining
        if quantities[i] <= remaining:
            granted.add(i)
            remaining -= quantities[i]

    payments = [0.0] * n
    price = float("nan")
    for rank, b in enumerate(live):
        if b not in granted:
            continue
        unit_price = 0.0
        for x in live[rank + 1 :]:
            if x not in granted and quantities[x] <= left_when_reached[x] + quantities[b]:
                unit_price = values[x] / quantities[x]
                break
        payments[b] = unit_price * quantities[b]
        price = unit_price
    return sorted(granted), payments, price
