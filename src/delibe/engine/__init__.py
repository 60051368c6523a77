"""Délibé's pure engine: the formation model, grade computation and jury rules.

No Django, no files, no clock (an import-linter contract in the tests keeps it so). It takes frozen,
typed inputs and returns decisions that carry their reasons.
"""
