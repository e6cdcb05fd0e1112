"""The ticketsim conformance suite: does an implementation honour ``openapi/``?

Runs against the simulator in-process (the default) or against any
deployment by base URL. Four kinds of tests:

- ``test_specs.py``: the specs themselves are valid and complete;
- ``test_stateless.py``: Schemathesis over every operation of every served spec;
- ``test_stateful.py``: Schemathesis' state machine, driven by the specs' links;
- ``test_<service>_scenarios.py``: hand-written behaviour a schema cannot express;

and ``test_selftest.py``, which injects contract bugs into the in-process
simulator (:mod:`conformance.faults`) and checks that the suite reports each.

``conformance/README.md`` says how to point it at a deployment.
"""
