"""Partner licensing domain layer: rules, pricing, persistence and HTTP plumbing shared by every function."""
