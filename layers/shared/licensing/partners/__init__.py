"""Partners (resellers and MSPs): their profile, currency, discount and billing, their renewal reminder
thresholds, and the distributor a partner may have to buy through."""
