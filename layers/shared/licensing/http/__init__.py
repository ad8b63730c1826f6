"""HTTP plumbing: problem details (framework-free), the Powertools resolver factory and the caller's
identity, and lean Lambda proxy helpers for the lookup hot path. Import the module you need."""
