"""The scheduled sweep: renewal reminders, the end-customer notice, coupon deadline warnings, expiry and
lapse, each once per term; it reads only what is due (GSI4), never the whole table."""
