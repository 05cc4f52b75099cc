"""Cycles, objectives, key results, check-ins, alignment and grading."""
