"""The published contracts: the domain events' schemas, one module per publishing context over a shared
`base`, listed together in `events`. Every event is built from these models where it is published, and
docs/events.md is generated from them, so the code and the document cannot drift."""
