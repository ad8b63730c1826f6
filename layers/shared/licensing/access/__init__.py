"""Who is calling: partner API keys (`plk_<id>.<secret>`, only a hash stored) and the operators' admin
key, as the REQUEST authorizer checks them."""
