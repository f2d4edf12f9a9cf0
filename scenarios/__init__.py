"""Scenarios: one module per concrete market (its parameters, how it builds the model, what it
reports) and the registry (:mod:`scenarios.registry`). Running them is :mod:`experiments`'s job,
drawing them :mod:`dashboard`'s."""
