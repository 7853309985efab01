"""The trace query language (MLflow's filter strings, plus OR / NOT / parentheses
and token, cost and model fields): ``parser.parse_query`` and ``match.matches``
over trace facts. Pure: it imports nothing else of nbtrace."""
