"""Licenses and coupons: keys, the life cycle derived from dates, the client software's lookup and first
use, a partner's licenses one at a time (edit, assign, claim, history), the list with its search and
CSV export, and the index attributes a license derives for GSI2 to GSI4."""
