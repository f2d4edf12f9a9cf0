"""Population learners: each against a case worked out by hand."""

import math

import numpy as np
import pytest

from agents.learners import EXP3, Hedge, Learner, QLearning


def test_q_learning_update_on_a_fixed_transition():
    # Two learners, two states, three actions; Q tables written out below.
    initial = np.array([[[1.0, 2.0, 3.0], [4.0, 0.0, 1.0]],
                        [[0.0, 0.0, 0.0], [2.0, 6.0, 5.0]]])
    q = QLearning(2, 3, states=2, alpha=0.5, gamma=0.9, eps0=0.0, initial_q=initial)
    q.update(np.array([1, 2]), np.array([1.0, -2.0]), states=np.array([0, 1]), next_states=np.array([1, 0]))
    # learner 0: Q[s=0, a=1] = 0.5 x 2 + 0.5 x (1 + 0.9 x max(4, 0, 1)) = 1 + 0.5 x 4.6 = 3.3
    # learner 1: Q[s=1, a=2] = 0.5 x 5 + 0.5 x (-2 + 0.9 x max(0, 0, 0)) = 2.5 - 1 = 1.5
    expected = initial.copy()
    expected[0, 0, 1], expected[1, 1, 2] = 3.3, 1.5
    np.testing.assert_allclose(q.q, expected)
    assert q.t == 1
    # greedy: learner 0 in state 0 now has (1, 3.3, 3): action 1; learner 1 in state 1 (2, 6, 1.5): action 1
    assert q.greedy(np.array([0, 1])).tolist() == [1, 1]


def test_q_learning_counterfactual_updates_every_action_with_the_old_max():
    q = QLearning(1, 3, alpha=0.1, gamma=0.5, eps0=0.0, initial_q=np.array([2.0, 4.0, 0.0]))
    q.update(np.array([0]), np.array([9.0]), counterfactual=np.array([[1.0, 0.0, 3.0]]))
    # max before the update is 4; each action: 0.9 Q + 0.1 (x + 0.5 x 4) = 0.9 Q + 0.1 x + 0.2
    # -> (1.8 + 0.1 + 0.2, 3.6 + 0 + 0.2, 0 + 0.3 + 0.2) = (2.1, 3.8, 0.5); the reward 9 is not used
    np.testing.assert_allclose(q.q[0, 0], [2.1, 3.8, 0.5])


def test_q_learning_optimistic_start_and_greedy_ties_to_the_lowest_index():
    q = QLearning(3, 4, gamma=0.99, eps0=0.0, initial_q="optimistic", reward_max=2.0)
    np.testing.assert_allclose(q.q, 200.0)  # 2 / (1 - 0.99)
    assert q.greedy().tolist() == [0, 0, 0]
    assert q.act(np.random.default_rng(0)).tolist() == [0, 0, 0]  # no exploration: greedy


def test_q_learning_exploration_schedule_and_draw():
    q = QLearning(4, 10, eps0=0.5, decay=0.1, eps_floor=0.2)
    assert q.exploration(0) == 0.5
    assert q.exploration(5) == pytest.approx(0.5 * math.exp(-0.5))   # 0.303
    assert q.exploration(100) == 0.2                                # the floor
    # with u = the generator's uniforms: explore iff u < 0.5, then action floor(10 u / 0.5)
    u = np.random.default_rng(3).random(4)
    expected = [int(10 * x / 0.5) if x < 0.5 else 0 for x in u]
    assert q.act(np.random.default_rng(3)).tolist() == expected


def test_hedge_weights_after_given_payoffs():
    h = Hedge(1, 3, eta=0.5)
    for payoff in ([1.0, 0.0, 0.5], [0.0, 1.0, 1.0]):
        h.update(np.array([0]), np.array([0.0]), counterfactual=np.array([payoff]))
    # cumulative payoffs (1, 1, 1.5); weights exp(0.5 x) = (e^0.5, e^0.5, e^0.75)
    # = (1.648721, 1.648721, 2.117000), sum 5.414443; probabilities (0.304504, 0.304504, 0.390991)
    np.testing.assert_allclose(h.probabilities()[0], [0.304504, 0.304504, 0.390991], atol=1e-6)
    assert h.greedy().tolist() == [2]
    # log weights are shifted so the largest is 0: (-0.25, -0.25, 0)
    np.testing.assert_allclose(h.log_weights[0, 0], [-0.25, -0.25, 0.0])


def test_hedge_samples_by_inverse_cdf():
    h = Hedge(2, 3, eta=1.0)
    h.log_weights[:] = np.log([[0.2, 0.3, 0.5]])     # probabilities 0.2, 0.3, 0.5: cdf 0.2, 0.5, 1.0
    u = np.random.default_rng(7).random(2)
    expected = [0 if x < 0.2 else 1 if x < 0.5 else 2 for x in u]
    assert h.act(np.random.default_rng(7)).tolist() == expected


def test_hedge_refuses_to_learn_without_counterfactual():
    with pytest.raises(ValueError, match="counterfactual"):
        Hedge(2, 3).update(np.array([0, 1]), np.array([1.0, 0.0]))


def test_exp3_update_by_hand():
    e = EXP3(1, 2, gamma=0.2, reward_range=(-1.0, 3.0))
    # equal weights: p = 0.8 x 0.5 + 0.2 / 2 = (0.5, 0.5); reward 1 rescales to (1 + 1) / 4 = 0.5
    # xhat = 0.5 / 0.5 = 1; log w_1 += 0.2 x 1 / 2 = 0.1 -> log weights (-0.1, 0) after the shift
    e.update(np.array([1]), np.array([1.0]))
    np.testing.assert_allclose(e.log_weights[0, 0], [-0.1, 0.0])
    w = np.exp([-0.1, 0.0])
    np.testing.assert_allclose(e.probabilities()[0], 0.8 * w / w.sum() + 0.1)
    with pytest.raises(ValueError, match="reward_range"):
        e.update(np.array([0]), np.array([3.5]))


def _bandit(learner: Learner, rounds: int, seed: int) -> np.ndarray:
    """Two arms with Bernoulli rewards, means 0.3 (arm 0) and 0.8 (arm 1): arm 1 is better."""
    rng = np.random.default_rng(seed)
    means = np.array([0.3, 0.8])
    for _ in range(rounds):
        actions = learner.act(rng)
        learner.update(actions, (rng.random(learner.n) < means[actions]).astype(float))
    return learner.greedy()


def test_exp3_learns_the_better_arm():
    e = EXP3(200, 2, gamma=0.1)
    greedy = _bandit(e, 2000, seed=1)
    # E[xhat] = the arm's mean, so log w_1 - log w_0 drifts by gamma/K x (0.8 - 0.3) = 0.025 a round:
    # about 50 after 2,000 rounds, when p(arm 1) = 1 - gamma/2 = 0.95. A coin flip would give 100 +- 7.
    assert (greedy == 1).mean() > 0.95
    assert e.probabilities()[:, 1].mean() > 0.9


def test_q_learning_learns_the_better_arm():
    q = QLearning(200, 2, alpha=0.1, gamma=0.0, eps0=0.2)
    greedy = _bandit(q, 1000, seed=2)
    # with gamma = 0, Q(a) tracks the arm's mean; its noise is sd sqrt(alpha / (2 - alpha)) x 0.46 = 0.1,
    # so Q(1) - Q(0) = 0.5 +- 0.15: the wrong order is a > 3 sd event for one learner.
    assert (greedy == 1).mean() > 0.98
    np.testing.assert_allclose(q.q[:, 0, 1].mean(), 0.8, atol=0.03)


def test_same_seed_same_learning():
    def run():
        q = QLearning(50, 5, eps0=0.3, decay=0.01, initial_q="optimistic")
        e = EXP3(50, 5)
        rng = np.random.default_rng(11)
        played = []
        for _ in range(200):
            for learner in (q, e):
                a = learner.act(rng)
                learner.update(a, rng.random(50))
                played.append(a)
        return np.array(played), q.q, e.log_weights

    first, second = run(), run()
    for x, y in zip(first, second):
        assert np.array_equal(x, y)


@pytest.mark.parametrize("make, name", [
    (lambda: QLearning(0, 3), "n"),
    (lambda: QLearning(2, 1), "actions"),
    (lambda: QLearning(2, 3, states=0), "states"),
    (lambda: QLearning(2, 3, alpha=0.0), "alpha"),
    (lambda: QLearning(2, 3, gamma=1.0), "gamma"),
    (lambda: QLearning(2, 3, eps0=1.5), "eps0"),
    (lambda: QLearning(2, 3, decay=-1.0), "decay"),
    (lambda: QLearning(2, 3, eps0=0.1, eps_floor=0.2), "eps_floor"),
    (lambda: QLearning(2, 3, initial_q="pessimistic"), "initial_q"),
    (lambda: QLearning(2, 3, initial_q=np.zeros(4)), "initial_q"),
    (lambda: QLearning(2, 3, initial_q=math.nan), "initial_q"),
    (lambda: Hedge(2, 3, eta=0.0), "eta"),
    (lambda: EXP3(2, 3, gamma=0.0), "gamma"),
    (lambda: EXP3(2, 3, reward_range=(1.0, 1.0)), "reward_range"),
])
def test_bad_arguments_are_refused_by_name(make, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        make()


def test_bad_rounds_are_refused_by_name():
    q = QLearning(2, 3)
    with pytest.raises(ValueError, match="^actions"):
        q.update(np.array([0, 3]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="^rewards"):
        q.update(np.array([0, 1]), np.array([1.0, math.nan]))
    with pytest.raises(ValueError, match="^counterfactual"):
        q.update(np.array([0, 1]), np.array([1.0, 1.0]), counterfactual=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="^states"):
        q.greedy(np.array([0, 1]))
