"""The scheduled sweep (EventBridge, hourly). "Now" is the scheduled event's `time`, so a run can be
replayed or simulated for any moment; the run stops cleanly a minute before Lambda's timeout."""

from licensing.infra.schedule import scheduled_handler
from licensing.sweeper import run

lambda_handler = scheduled_handler(run.run, "the sweeper")
