"""The ticketsim conformance suite: does an implementation honour ``openapi/``?

Runs against the simulator in-process (the default) or against any
deployment by base URL, told or detected which (``test_target.py`` fails a
target it cannot identify). The tests:

- ``test_specs.py``: the specs themselves are valid and complete;
- ``test_stateless.py``: Schemathesis over every operation of every served spec;
- ``test_stateful.py``: Schemathesis' state machine, driven by the specs' links;
- ``test_<service>_scenarios.py``: hand-written behaviour a schema cannot express;
- ``test_verdict.py`` (last): every exercised operation answered a documented 2xx;

and ``test_selftest.py``, which injects contract bugs (:mod:`conformance.faults`)
in-process and over HTTP behind :mod:`conformance.proxy`, and checks that the
suite reports each (``ticketsim conformance --selftest`` prints the table).

``conformance/README.md`` says how to point it at a deployment.
"""
