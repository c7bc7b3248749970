"""Documents the application writes (PDF and JSON), with no Qt in them."""
