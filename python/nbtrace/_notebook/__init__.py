"""The notebook: documents shown in Jupyter.

MIME bundles, routing displays to the cell that started a trace, ``show()`` of
existing trace documents, the live display that updates an output in place while
a cell runs, and the IPython magics. IPython is imported lazily, so
``import nbtrace`` works in a plain script.
"""
