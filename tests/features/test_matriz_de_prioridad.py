"""Scenarios of features/matriz_de_prioridad.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("matriz_de_prioridad.feature")
