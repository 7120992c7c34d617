"""bench/ is run by hand (`make bench`), never timed in tests: these only check that its
entry points import and read their options, so that a refactoring cannot leave it broken."""

from __future__ import annotations

from bench import deployed, run


def test_quick_mode_shortens_every_step() -> None:
    options = run.parse_args(["--quick", "--tool", "python"])
    assert (options.duration, options.runs, options.soak_minutes) == (2.0, 1, 0.0)
    assert options.quick
    assert options.import_events < 16_000
    args = deployed.parse_args(["--quick", "--postgres", ""])
    assert (args.duration, args.runs, args.postgres) == (2.0, 1, "")


def test_the_app_is_measured_as_deployed() -> None:
    command = run.server_command("app", 8123, [])
    assert command[1:] == ["-m", "events_app", "serve", "--host", "127.0.0.1", "--port", "8123"]
    assert "--access-log" not in command  # the default of `events-app serve`
    bare = run.server_command("bare", 8123, [])
    assert "--no-access-log" in bare
    assert "--no-server-header" in bare
