"""The published contracts: the domain events' schemas (`events`), the one definition the code builds
every event from and docs/events.md is generated from, so the two cannot drift."""
