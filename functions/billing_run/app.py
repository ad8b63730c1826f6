"""The monthly billing run (EventBridge, 02:00 UTC on the 1st). "Now" is the scheduled event's `time`, so
a run can be replayed or simulated; it bills the previous UTC month and stops cleanly a minute before
Lambda's timeout (the next invocation continues from its checkpoint)."""

from licensing.billing import run
from licensing.infra.schedule import scheduled_handler

lambda_handler = scheduled_handler(run.run, "the billing run")
