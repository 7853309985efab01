"""Evaluation: golden datasets, scorers, ``nbtrace.evaluate`` and its results.

A layer above the notebook one (record → documents → notebook → evaluation →
public modules): it traces each row with the record layer, stores scores as
assessments on the rows' traces, turns them into documents, and shows the
results live in the cell through the notebook layer.
"""
