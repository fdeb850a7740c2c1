"""``callup serve``: the web check, the explorer and the HTTP API on a local server.

In ``callup/cli.py``::

    from callup.web import register as register_web
    register_web(app)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps it on this computer.")]
        = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
        max_scale: Annotated[float, typer.Option("--max-scale", help="Largest simulation scale accepted.",
                                                 min=0.0001, max=1.0)] = 0.05,
        max_jobs: Annotated[int, typer.Option("--max-jobs", help="Simulations queued or running at once.",
                                              min=1, max=64)] = 2,
        max_runs: Annotated[int, typer.Option("--max-runs", help="Most runs (seeds) of a comparison, for its "
                                              "90% intervals.", min=1, max=1000)] = 5,
        job_timeout: Annotated[float, typer.Option("--job-timeout", help="Seconds a simulation may run before it "
                                                   "is stopped and marked failed.", min=1.0)] = 3600.0,
        max_body: Annotated[int, typer.Option("--max-body", help="Largest request body, bytes.", min=1024)]
        = 64 * 1024,
        data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Folder for simulation jobs, "
                                                      "kept across restarts (default: a temporary folder removed "
                                                      "on exit).")] = None,
        no_access_log: Annotated[bool, typer.Option("--no-access-log", help="Log no requests at all.")] = False,
    ) -> None:
        """Serve the private web check, the scenario explorer and the HTTP API (docs at /docs).

        Nothing about a person is stored or logged: the access log has method, path and status only.
        """
        import logging

        import uvicorn

        from .app import create_app
        from .settings import Settings

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        settings = Settings(max_body_bytes=max_body, max_scale=max_scale, max_jobs=max_jobs, data_dir=data_dir,
                            max_runs=max_runs, job_timeout_s=job_timeout,
                            access_log=not no_access_log)
        if host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(f"warning: serving on {host}: other computers can reach it; put it behind HTTPS", err=True)
        try:
            app = create_app(settings)
        except OSError as exc:  # the data folder cannot be made or read
            typer.echo(f"error: --data-dir: {data_dir}: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"callup: http://{host}:{port}/ (API docs at /docs)", err=True)
        # uvicorn's own access log records query strings: it is off; ours logs method, path, status.
        # No proxy headers: the client's address is never used, so there is nothing to rewrite per request
        uvicorn.run(app, host=host, port=port, access_log=False, server_header=False,
                    proxy_headers=False, log_level="info")
