"""The formulas, one module per domain. No I/O, no printing: each function records steps on a Sheet.

Every factor is a named input with its source, so the report can show where it came from.
"""
