from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from distributors import demo


class Command(BaseCommand):
    help = (
        "Create a realistic, deterministic, bilingual demo data set: a network of about 40 "
        "distributors with 18 months of history, and the demo logins (password "
        f"'{demo.PASSWORD}'). Running it again changes nothing; --scale N adds networks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="How many networks of 40 distributors to create (default 1; 50 for benchmarks).",
        )

    def handle(self, *args, scale, verbosity, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")

        def progress(message):
            self.stderr.write(f"seed_demo: {message}")

        # One line per network: shown on long runs, or when asked for with -v 2.
        show_progress = verbosity >= 2 or (verbosity >= 1 and scale > 1)
        result = demo.seed_demo(scale, progress=progress if show_progress else None)
        if result.created_networks and connection.vendor == "postgresql":
            # Fresh statistics after a bulk load: without them the planner picks plans that
            # make the cadence scan over 2,000 distributors take minutes instead of seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if verbosity < 1:
            return
        size = demo.NETWORK_SIZE
        if result.created_networks:
            created = len(result.created_networks)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {created} network(s) of {size} distributors "
                    f"in {result.seconds:.1f} s."
                )
            )
        if result.present_networks:
            self.stdout.write(
                f"{len(result.present_networks)} network(s) of the demo data for scale {scale} "
                "were already present and left unchanged."
            )
        if result.partial_networks:
            numbers = ", ".join(str(n + 1) for n in result.partial_networks)
            self.stdout.write(
                self.style.WARNING(
                    f"Network(s) {numbers} are only partly present (some distributors were "
                    "deleted or codes are taken): not re-created."
                )
            )
        self.stdout.write(f"\nDemo logins (password: {demo.PASSWORD}):")
        for login in result.logins:
            note = "" if login.created else "  [existed already: password not changed]"
            self.stdout.write(
                f"  {login.username:<10} {login.label:<30} {login.name:<18} {login.detail}{note}"
            )
