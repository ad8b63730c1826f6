"""Who is calling: partner API keys (`plk_<id>.<secret>`), distributor API keys (`dlk_<id>.<secret>`),
only a hash of either stored, and the operators' admin key, as the REQUEST authorizer checks them."""
