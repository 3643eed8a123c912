"""The control plane (``/__mock__/``) and what serves it: the request journal, injected faults, persistence of
state across restarts, and stream cutting."""

#: Every control-plane path starts with this; the data plane never does.
CONTROL_PREFIX = "/__mock__/"
