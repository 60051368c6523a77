import gc

from django.apps import AppConfig

# The cyclic garbage collector's first threshold (Python's default: 700 allocations). A page that builds
# a 600-student year jury allocates a few hundred thousand objects; at 700 the collector ran about 130
# times per request and promoted the request's own short-lived objects to the oldest generation, whose
# full collection (the whole heap: the averages cache, the formations, Django) then ran at every request —
# a third of the page's CPU time (issue 19, item 7, measured in docs/benchmarks.md). At 50,000 those
# objects are freed by their reference counts before any collection sees them; cycles are still collected.
GC_THRESHOLD_0 = 50_000


class WebConfig(AppConfig):
    name = "delibe.web"
    label = "delibe"
    verbose_name = "Délibé"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        _, second, third = gc.get_threshold()
        if gc.get_threshold()[0] < GC_THRESHOLD_0:
            gc.set_threshold(GC_THRESHOLD_0, second, third)
