"""Bookkeeping for the worker's periodic jobs."""

from django.db import models


class PeriodicJob(models.Model):
    """One row per periodic job; a worker runs it after claiming it with a conditional UPDATE,
    so with several workers each occurrence runs once."""

    name = models.CharField(max_length=60, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
