"""Partners (resellers and MSPs): their profile, currency, discount and billing, their renewal reminder
thresholds, and distributors: the partners assigned to one buy only through it, and it orders for them."""
