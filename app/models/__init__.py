"""Business rules and storage: peewee models and plain-Python rules, with no Qt in them."""
