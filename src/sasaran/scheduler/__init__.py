"""One scheduler for periodic jobs (and, next, automation rules): each occurrence of a schedule
is a row unique per (job, scheduled time), claimed with a conditional UPDATE and a lease.
See docs/architecture.md."""
