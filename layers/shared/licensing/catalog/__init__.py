"""The catalog and its prices: products with their device limits, terms and upgrade path, volume tiers
(`catalog.json`, validated once at load), and pricing a license for a partner."""
