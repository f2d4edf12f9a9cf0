"""The compiled period loop of :mod:`reproductions.learning_sessions` (numba, no fastmath).

It repeats :func:`~reproductions.learning_sessions.simulate_reference` operation for operation,
so the two agree bit for bit (tested): the same draws (blocks ``rng.random((K, 3 S))`` in the
order the reference draws them), the same exploration rates (computed once, in Python, by
``QLearning.exploration``), the same floating-point expressions in the same order (no fused
multiply-add: numba contracts nothing without fastmath), and the same tie rules (a greedy tie
goes to the lowest index, an auction tie to bidder 0 iff its uniform is below 0.5).

What differs is bookkeeping, not arithmetic: the kernel keeps each bidder's greedy action and
rescans its 19 Q-values only when the greedy one went down (or, under disclosure, after every
update); otherwise a changed Q-value can only take over the lead, which one comparison decides.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def _argmax(q, s, b):
    """Index of the largest of q[s, b, :], the lowest on a tie (as numpy.argmax)."""
    best, top = 0, q[s, b, 0]
    for k in range(1, q.shape[2]):
        if q[s, b, k] > top:
            best, top = k, q[s, b, k]
    return best


@njit(cache=True)
def run_block(q, greedy, last_change, uniforms, eps, t0, win, price, counterfactual, grid, disclosure,
              alpha, gamma, winning_sum, price_sum, window):
    """Advance every session by ``len(eps)`` periods, from period ``t0`` (0-based), in place.

    q: sessions x 2 x actions; greedy: sessions x 2 (int64); last_change: sessions (int64);
    uniforms: periods x 3 sessions; eps: the exploration rate of each period; win, price:
    actions x actions by (highest, lowest) bid; counterfactual: actions x actions by (rival,
    own); winning_sum, price_sum: windows x sessions, added to (the last window takes the rest).
    """
    sessions, _, actions = q.shape
    keep = 1.0 - alpha
    acts = np.empty(2, dtype=np.int64)
    rewards = np.empty(2)
    for k in range(eps.shape[0]):
        e = eps[k]
        t = t0 + k
        w = min(t // window, winning_sum.shape[0] - 1)
        for s in range(sessions):
            for b in range(2):
                u = uniforms[k, 2 * s + b]
                if u < e:
                    acts[b] = min(int(u / e * actions), actions - 1)
                else:
                    acts[b] = greedy[s, b]
            if acts[0] > acts[1]:
                winner = 0
            elif acts[1] > acts[0]:
                winner = 1
            else:
                winner = 0 if uniforms[k, 2 * sessions + s] < 0.5 else 1
            high, low = max(acts[0], acts[1]), min(acts[0], acts[1])
            rewards[winner] = win[high, low]
            rewards[1 - winner] = 0.0
            changed = False
            for b in range(2):
                g = greedy[s, b]
                best_next = q[s, b, g]
                if disclosure:
                    rival = acts[1 - b]
                    for j in range(actions):
                        target = counterfactual[rival, j] + gamma * best_next
                        q[s, b, j] = keep * q[s, b, j] + alpha * target
                    new_g = _argmax(q, s, b)
                else:
                    a = acts[b]
                    old = q[s, b, a]
                    new = keep * old + alpha * (rewards[b] + gamma * best_next)
                    q[s, b, a] = new
                    if a == g:
                        new_g = g if new >= old else _argmax(q, s, b)
                    elif new > best_next or (new == best_next and a < g):
                        new_g = a
                    else:
                        new_g = g
                if new_g != g:
                    greedy[s, b] = new_g
                    changed = True
            if changed:
                last_change[s] = t + 1
            winning_sum[w, s] += grid[high]
            price_sum[w, s] += price[high, low]
