"""Local development and test tooling (dev server, table setup, OpenAPI export). Never deployed."""
