"""Renewals, always started from the license: a paid renewal order (optionally migrating to an edition
on the upgrade path), renew-with-coupon (one of the partner's own unused coupons), and the options a
license has; the rules they share (what can be renewed, and from when the term runs)."""
