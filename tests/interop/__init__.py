"""End-to-end tests: real SMPP clients against ``python -m smsc serve`` over loopback."""
