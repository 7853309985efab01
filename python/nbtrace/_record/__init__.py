"""The record: spans as the traced code makes them, grouped into traces.

The first layer of nbtrace (record → documents → notebook → public modules):
the current-span context, :class:`~nbtrace.Span`, the collector
that keeps traces and tells listeners, ``@trace``, the recording limits and
the serializer that turns user values into JSON text. It imports nothing from
the layers above.
"""
