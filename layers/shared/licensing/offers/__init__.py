"""Offers and discount requests: a partner manager's one-time custom purchase links for one partner
(their own price, or a discount that replaces the partner and volume discounts, for a configuration that
may lie outside the catalog's limits, until an expiry), each used by at most one order; and the
partners' requests for education, non-profit, charity, student and teacher discounts, which a manager
approves (creating the offer) or rejects with a reason."""
