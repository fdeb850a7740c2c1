"""The FastAPI application: the HTTP API under /api, the check and explorer pages, local docs."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from callup.compare.cli import TABLE_MEASURES
from callup.law.parameters import ParameterError
from callup.person.check import SituationError, check
from callup.person.situation import Situation
from callup.scenarios import SCENARIOS

from . import forms
from .fastcheck import CheckFastPath
from .jobs import FILES, JobManager, TooManyJobs, valid_id
from .middleware import BodyLimit, SecurityHeaders
from .settings import Settings

HERE = Path(__file__).parent
log = logging.getLogger("callup.web")


class _Errors:
    """Duck-typed stand-in for a ValidationError, so :func:`callup.person.load.describe` words it."""

    def __init__(self, errors: list[dict]):
        self._errors = errors

    def errors(self) -> list[dict]:
        return self._errors


def describe_errors(errors: list[dict]) -> tuple[str, str]:
    """(field, message) of the first problem, worded as `callup check` words it."""
    from callup.person.load import describe

    cleaned = []
    for e in errors:
        loc = tuple(e.get("loc", ()))
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        cleaned.append({**e, "loc": loc})
    if cleaned and not cleaned[0]["loc"] and isinstance(cleaned[0].get("input"), bytes | str):
        return "situation", "situation: expected a JSON object (send it with Content-Type: application/json)"
    if cleaned and cleaned[0]["type"] == "json_invalid":
        return "situation", f"situation: not valid JSON ({cleaned[0].get('ctx', {}).get('error', 'parse error')})"
    try:
        msg = describe(_Errors(cleaned))  # type: ignore[arg-type]
    except Exception:  # an error shape describe() does not know: say it plainly
        e = cleaned[0] if cleaned else {"loc": (), "msg": "invalid request"}
        msg = f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}"
    field = msg.partition(": ")[0]
    return field, msg


MAX_COMPARED = 4


class SimulateRequest(BaseModel):
    """A simulation: a bundled scenario, a bounded scale, a seed and a range of campaigns."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    scenario: Literal[SCENARIOS] = "baseline"  # type: ignore[valid-type]
    scale: float = Field(0.005, gt=0, le=1, description="Sample fraction; bounded by the server's --max-scale.")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    first: str = Field("2019-spring", alias="from", max_length=20, pattern=r"^\d{4}-(spring|autumn)$")
    last: str = Field("2025-autumn", alias="to", max_length=20, pattern=r"^\d{4}-(spring|autumn)$")
    report: bool = Field(False, description="Also write report.html (takes a few seconds more).")
    scenarios: list[Literal[SCENARIOS]] | None = Field(  # type: ignore[valid-type]
        None, min_length=2, max_length=MAX_COMPARED,
        description=f"Compare these scenarios (2 to {MAX_COMPARED}, the first is the reference) on common random "
                    "numbers instead of running `scenario` alone.")
    runs: int = Field(1, ge=1, le=1000, description="Runs (seeds seed..seed+runs-1) of a comparison: the mean "
                      "difference and its 90% interval across runs; bounded by the server's --max-runs. A single "
                      "scenario runs once (runs > 1 without `scenarios` gets 422).")


class _DropRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def silence_uvicorn_access_log() -> None:
    """uvicorn's access log records the client address and the query string: drop its records
    (``callup.web.access`` logs method, path and status instead)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _DropRecords) for f in logger.filters):
        logger.addFilter(_DropRecords())


class CallupApp(FastAPI):
    """FastAPI, with our own layers outermost: security headers and the access log, the body limit,
    and the fast path of ``POST /api/check`` (:mod:`callup.web.fastcheck`), then the framework."""

    outer: Any = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and self.outer is not None:
            return await self.outer(scope, receive, send)
        return await super().__call__(scope, receive, send)

    async def framework(self, scope, receive, send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    silence_uvicorn_access_log()
    jobs = JobManager(settings.max_jobs, settings.keep_jobs, settings.data_dir, settings.job_timeout_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        _warm()
        yield
        jobs.close()

    app = CallupApp(title="callup", version=_version(),
                  description="Military-service law as code: a private check and a scenario explorer. "
                              "Nothing about the person is stored or logged.",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings, app.state.jobs = settings, jobs
    # outermost: every answer (a 413, a 500 of the framework) gets the headers and the log line
    app.outer = SecurityHeaders(BodyLimit(CheckFastPath(app.framework, enabled=settings.fast_check),
                                          limit=settings.max_body_bytes), log=settings.access_log)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(reason_text=forms.reason_text, status_text=forms.status_text,
                                 acs_reason_text=forms.acs_reason_text, summons_lines=forms.summons_lines,
                                 mark_codes=forms.mark_codes)
    # Swagger UI 5 (it reads OpenAPI 3.1), vendored by the fastapi-offline package: served from here,
    # never from a CDN
    import importlib.util

    spec = importlib.util.find_spec("fastapi_offline")
    swagger_dir = Path(spec.origin).parent / "static" if spec and spec.origin else None
    has_swagger = swagger_dir is not None and (swagger_dir / "swagger-ui-bundle.js").is_file()
    if has_swagger:
        app.mount("/static/swagger", StaticFiles(directory=str(swagger_dir)), name="swagger")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # --- errors: always a 4xx with a message, never a 500 with a trace -----------------------
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        field, msg = describe_errors(list(exc.errors()))
        return JSONResponse({"detail": msg, "field": field}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    # --- API ------------------------------------------------------------------------------
    @app.get("/api/health", tags=["api"])
    async def health() -> dict:
        return {"status": "ok", "version": _version(), "jobs_active": jobs.active(),
                "limits": {"max_body_bytes": settings.max_body_bytes, "max_scale": settings.max_scale,
                           "max_jobs": settings.max_jobs, "max_runs": settings.max_runs}}

    @app.post("/api/check", tags=["api"],
              responses={422: {"description": "The situation is invalid; `detail` names the field."}})
    async def api_check(situation: Situation, lang: Literal["en", "ru"] = "en") -> JSONResponse:
        """The check of one person: the same JSON as `callup check --json`. Nothing is stored or logged."""
        try:
            result = check(situation, lang=lang)
        except SituationError as exc:
            return JSONResponse({"detail": str(exc), "field": exc.field}, status_code=422)
        except ParameterError as exc:  # a check date before the encoded law: say so, not a 500
            return JSONResponse({"detail": f"date: {exc}; the law is encoded from 2019", "field": "date"},
                                status_code=422)
        return JSONResponse(result)

    @app.get("/api/parameters", tags=["api"])
    async def parameters() -> dict:
        """Every legal parameter: path, description, unit, and the value in force today with its citation."""
        law = _law()
        today = dt.date.today()
        out = []
        for path in sorted(law):
            p = law[path]
            e = p.entry_at(today)
            out.append({"path": path, "description": p.description, "description_ru": p.description_ru,
                        "unit": p.unit, "value_today": _plain(e.value) if e else None,
                        "citation_today": e.reference if e else None, "values": len(p.values)})
        return {"date": today.isoformat(), "parameters": out}

    @app.get("/api/parameters/{path:path}", tags=["api"])
    async def parameter(path: str) -> dict:
        """One parameter's dated values, each with its citation and status (P, S, UNCONFIRMED)."""
        law = _law()
        if path not in law:
            raise HTTPException(404, f"no parameter {path!r}; GET /api/parameters lists them")
        p = law[path]
        return {"path": path, "description": p.description, "description_ru": p.description_ru, "unit": p.unit,
                "source": p.source, "documentation": p.documentation,
                "values": [{"start": v.start.isoformat(), "value": _plain(v.value), "citation": v.reference,
                            "status": v.status, "unconfirmed": v.unconfirmed, "note": v.note, "url": v.url}
                           for v in p.values]}

    @app.get("/api/scenarios", tags=["api"])
    async def scenarios() -> dict:
        from callup.scenarios import describe

        return {"scenarios": [{"name": n, "description": describe(n)} for n in SCENARIOS]}

    def _start_job(req: SimulateRequest) -> str:
        if req.scale > settings.max_scale:
            raise HTTPException(422, f"scale: {req.scale} is above this server's limit {settings.max_scale} "
                                     "(--max-scale)")
        if req.runs > settings.max_runs:
            raise HTTPException(422, f"runs: {req.runs} is above this server's limit {settings.max_runs} "
                                     "(--max-runs)")
        if req.runs > 1 and req.scenarios is None:
            raise HTTPException(422, f"runs: {req.runs} runs are for a comparison of 2 to {MAX_COMPARED} scenarios "
                                     "(the 90% interval of their differences); a single scenario runs once: "
                                     "give runs 1, or pick a second scenario")
        from callup.jurisdictions import ru
        from callup.population import sources
        from callup.simulation.run import SimulationError, campaign_range

        try:
            camps = campaign_range(ru.law(), req.first, req.last)
        except SimulationError as exc:
            raise HTTPException(422, f"from/to: {exc}") from None
        years = sources.rosbris().years
        if camps[0].year not in years:
            raise HTTPException(422, f"from: {req.first} starts outside the bundled population data "
                                     f"({years[0]}-{years[-1]})")
        try:
            if req.scenarios is not None and len(set(req.scenarios)) != len(req.scenarios):
                raise HTTPException(422, "scenarios: each scenario may be given once")
            return jobs.submit({"scenario": req.scenario, "scale": req.scale, "seed": req.seed, "from": req.first,
                                "to": req.last, "report": req.report, "scenarios": req.scenarios, "runs": req.runs})
        except TooManyJobs as exc:
            raise HTTPException(429, str(exc)) from None

    @app.post("/api/simulate", tags=["api"], status_code=202,
              responses={422: {"description": "Bad or over-limit request"}, 429: {"description": "Too many jobs"}})
    async def api_simulate(req: SimulateRequest) -> dict:
        """Start a simulation in a worker; poll `GET /api/jobs/{id}` for progress and results."""
        job_id = _start_job(req)
        return {"id": job_id, "status": "queued", "url": f"/api/jobs/{job_id}"}

    @app.get("/api/jobs", tags=["api"])
    async def api_jobs() -> dict:
        """The stored simulation jobs, newest first (the last --keep-jobs finished ones are kept)."""
        return {"jobs": jobs.list()}

    @app.get("/api/jobs/{job_id}", tags=["api"])
    async def api_job(job_id: str) -> dict:
        """A job's status, progress (campaign steps done of total), result summary and file links."""
        return _job(job_id)

    @app.get("/api/jobs/{job_id}/files/{name}", tags=["api"])
    async def api_job_file(job_id: str, name: str):
        _job(job_id)
        directory = jobs.directory(job_id)
        if name not in FILES or directory is None or not (directory / name).is_file():
            raise HTTPException(404, f"no file {name!r} for job {job_id} (files: {', '.join(FILES)})")
        # the report is an offline page with its scripts inline: download it rather than show it
        # under this site's script policy
        return FileResponse(directory / name, filename=name, content_disposition_type="attachment")

    @app.get("/api/jobs/{job_id}/charts/{name}", tags=["api"])
    async def api_job_chart(job_id: str, name: str):
        _job(job_id)
        directory = jobs.directory(job_id)
        charts = directory / "report_charts" if directory else None
        if charts is None or not name.endswith(".png") or "/" in name or not (charts / name).is_file():
            raise HTTPException(404, f"no chart {name!r} for job {job_id}")
        return FileResponse(charts / name, media_type="image/png")

    def _job(job_id: str) -> dict[str, Any]:
        if not valid_id(job_id):
            raise HTTPException(404, f"no job {job_id[:64]!r}: a job id is 32 hexadecimal digits "
                                     "(as POST /api/simulate returns it)")
        job = jobs.as_json(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (finished jobs are kept for a while only)")
        return job

    # --- pages ----------------------------------------------------------------------------
    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = ctx.get("lang", "en")
        return templates.TemplateResponse(request, name, {"t": forms.TEXT[lang], "lang": lang, **ctx},
                                          status_code=status)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request, lang: Literal["en", "ru"] = "en"):
        return page(request, "check.html", lang=lang, fields=forms.FIELDS, values={}, error=None,
                    today=dt.date.today().isoformat())

    @app.post("/check", response_class=HTMLResponse, include_in_schema=False)
    async def check_page(request: Request):
        data = await request.form()
        lang = data.get("lang") if data.get("lang") in ("en", "ru") else "en"
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        for name in forms.MULTI:  # repeated keys (several boxes ticked) as one newline-joined value
            values[name] = "\n".join(x for x in data.getlist(name) if isinstance(x, str))
        try:
            sit = Situation.model_validate(forms.situation_of(values))
            result = check(sit, lang=lang)
        except ValidationError as exc:
            _field, msg = describe_errors(exc.errors())
            return page(request, "check.html", 422, lang=lang, fields=forms.FIELDS, values=values,
                        error=msg, today=dt.date.today().isoformat())
        except ParameterError as exc:
            return page(request, "check.html", 422, lang=lang, fields=forms.FIELDS, values=values,
                        error=f"date: {exc}; the law is encoded from 2019", today=dt.date.today().isoformat())
        except (SituationError, forms.FormError) as exc:
            return page(request, "check.html", 422, lang=lang, fields=forms.FIELDS, values=values,
                        error=str(exc), today=dt.date.today().isoformat())
        return page(request, "result.html", lang=lang, r=result)

    @app.get("/explorer", response_class=HTMLResponse, include_in_schema=False)
    async def explorer(request: Request, lang: Literal["en", "ru"] = "en"):
        from callup.scenarios import describe

        return page(request, "explorer.html", lang=lang, error=None, max_scale=settings.max_scale,
                    max_runs=settings.max_runs, recent=jobs.list()[:10],
                    scenarios=[(n, describe(n)) for n in SCENARIOS])

    @app.post("/explorer", response_class=HTMLResponse, include_in_schema=False)
    async def explorer_run(request: Request, scenario: Annotated[list[str] | None, Form()] = None,
                           scale: Annotated[str, Form()] = "0.005", seed: Annotated[str, Form()] = "0",
                           first: Annotated[str, Form()] = "2019-spring", last: Annotated[str, Form()] = "2025-autumn",
                           lang: Annotated[str, Form()] = "en", report: Annotated[str | None, Form()] = None,
                           runs: Annotated[str, Form()] = "1"):
        from callup.scenarios import describe

        lang = lang if lang in ("en", "ru") else "en"
        try:
            picked = list(dict.fromkeys(scenario or ["baseline"]))
            if len(picked) > MAX_COMPARED:
                raise HTTPException(422, f"scenario: at most {MAX_COMPARED} scenarios can be compared at once "
                                         f"(you picked {len(picked)})")
            req = SimulateRequest.model_validate({"scenario": picked[0], "scale": scale, "seed": seed, "from": first,
                                                  "to": last, "report": report is not None,
                                                  "scenarios": picked if len(picked) > 1 else None,
                                                  "runs": runs.strip() or "1"})
            job_id = _start_job(req)
        except ValidationError as exc:
            error = describe_errors(exc.errors())[1]
        except HTTPException as exc:
            error = str(exc.detail)
        else:
            return RedirectResponse(f"/explorer/jobs/{job_id}?lang={lang}", status_code=303)
        return page(request, "explorer.html", 422, lang=lang, error=error, max_scale=settings.max_scale,
                    max_runs=settings.max_runs, recent=jobs.list()[:10],
                    scenarios=[(n, describe(n)) for n in SCENARIOS])

    @app.get("/explorer/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    async def explorer_job(request: Request, job_id: str, lang: Literal["en", "ru"] = "en"):
        job = _job(job_id)
        directory = jobs.directory(job_id)
        charts = []
        if directory is not None and (directory / "report_charts").is_dir():
            charts = sorted(p.name for p in (directory / "report_charts").glob("*.png"))
        return page(request, "job.html", lang=lang, job=job, charts=charts, measures=TABLE_MEASURES)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request):
        return page(request, "docs.html", has_swagger=has_swagger)

    return app


def _warm() -> None:
    """Load the law and run one check before the first request, then move everything loaded so far out
    of the garbage collector's sight (``gc.freeze``): the first person does not wait for the law to
    load, and a full collection does not walk the law's objects in the middle of a request."""
    import gc

    check(Situation.model_validate({"date": "2024-10-10", "person": {"birth_date": "2001-01-01"}}))
    gc.collect()
    gc.freeze()


def _version() -> str:
    from callup import __version__

    return __version__


def _law():
    from callup.jurisdictions import ru

    return ru.law()


def _plain(value: Any) -> Any:
    """A parameter value as plain JSON (frozen maps and tuples become objects and lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)

