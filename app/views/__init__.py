"""The Qt interface: thin widgets over the operations of :mod:`app.models`."""
