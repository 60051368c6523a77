"""``delibe worker``: runs the background tasks (document batches…) queued in the database
(docs/adr/0014-tasks-framework.md). Start any number of them, on any machine that shares the database."""

from __future__ import annotations

import os

import click


@click.command()
@click.option("--queue", "queues", default="default", show_default=True,
              help="Files d'attente servies, séparées par des virgules (« * » : toutes).")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Secondes d'attente entre deux recherches quand la file est vide.")
@click.option("--batch", is_flag=True, help="Traiter les tâches en attente puis s'arrêter.")
@click.option("--max-tasks", type=click.IntRange(min=1), default=None, help="S'arrêter après ce nombre de tâches.")
@click.option("--id", "worker_id", default=None, help="Identifiant du worker (unique ; par défaut machine-pid-hasard).")
@click.option("--migrate/--no-migrate", default=False, show_default=True, help="Appliquer les migrations avant.")
def worker(queues: str, interval: float, batch: bool, max_tasks: int | None, worker_id: str | None,
           migrate: bool) -> None:
    """Exécute les tâches en arrière-plan (lots de documents, courriels) mises en file dans la base, et met
    en file les tâches planifiées dues (relevés mensuels, alertes d'absences, sauvegarde nocturne des
    départements si DELIBE_SAUVEGARDE_DOSSIER est réglé, avis de non-distribution de DELIBE_RETOURS_BOITE ; une seule fois quel que soit
    le nombre de workers ; DELIBE_PLANIFICATION=0 pour ne pas le faire). Ctrl+C (ou SIGTERM) : finit la
    tâche en cours puis s'arrête. Une tâche d'un worker tué reprend ailleurs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from delibe.web.jobs.worker import DelibeWorker, new_worker_id

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    loop = DelibeWorker(queue_names=queues.split(","), interval=interval, batch=batch, backend_name="default",
                        startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id or new_worker_id(),
                        excluded_queue_names=[])
    click.echo(f"Délibé : worker {loop.worker_id} prêt (files : {queues}; Ctrl+C pour arrêter)", err=True)
    loop.configure_signals()
    loop.run()


@click.command()
@click.option("--liste", is_flag=True, help="Afficher les tâches planifiées et leurs dernières occurrences, sans rien mettre en file.")
@click.option("--a", "at", default=None, metavar="AAAA-MM-JJTHH:MM",
              help="Faire comme s'il était cette date et heure (essais) ; par défaut maintenant.")
def planifier(liste: bool, at: str | None) -> None:
    """Met en file les tâches planifiées dues (relevés mensuels d'assiduité le premier jour ouvré du mois,
    alertes d'absences chaque nuit, sauvegarde JSON des départements chaque nuit si DELIBE_SAUVEGARDE_DOSSIER
    est réglé), chacune une seule fois quel que soit le nombre de workers ou de
    lancements. Inutile si un `delibe worker` tourne (il le fait lui-même) ; sinon, une ligne cron :
    `*/15 * * * * delibe planifier` (docs/deployment.md)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.dev")
    import datetime as dt

    import django

    django.setup()
    from django.utils import timezone

    from delibe.web.jobs import schedule
    from delibe.web.jobs.models import ScheduledRun

    if liste:
        for periodic in schedule.SCHEDULE:
            last = ScheduledRun.objects.filter(name=periodic.name).first()
            click.echo(f"{periodic.name} : {periodic.description} ; dernière occurrence : "
                       + (f"{last.occurrence} (mise en file le {timezone.localtime(last.enqueued_at):%d/%m/%Y %H:%M}"
                          f" par {last.enqueued_by or '?'})" if last else "aucune"))
        return
    now = None
    if at:
        try:
            now = timezone.make_aware(dt.datetime.fromisoformat(at))
        except ValueError:
            raise click.BadParameter(f"« {at} » n'est pas une date et heure AAAA-MM-JJTHH:MM.", param_hint="--a") from None
    done = schedule.enqueue_due(now, by=f"planifier-{os.getpid()}")
    click.echo("\n".join(f"mise en file : {d}" for d in done) or "rien à mettre en file : tout est déjà fait.")
