"""Provisioning: a new contract typed in, or many from a CSV file (dry run, then import)."""

from pathlib import Path

from flask import (
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.core import audit
from app.core.subscribers import Account, Contract

from . import (
    bp,
    csv_import,
    import_run,
    provision,
    provision_cli,  # noqa: F401  (`flask staff import-run` comes with the pages)
)
from . import provision_checks as checks
from .access import may, requires
from .home_routes import section
from .provision_forms import ImportForm, NewContractForm
from .roles import Permission

section(
    "staff.new_contract",
    _l("New contracts"),
    _l("Create a subscriber's contract, account and service points, or import them from CSV."),
    Permission.PROVISION,
)
STATIC = Path(__file__).parent / "static"


def _profile() -> str:
    return current_app.config["PORTAL_ARGON2_PROFILE"]


def _choices(form: NewContractForm) -> None:
    tenant, locale = g.tenant, str(get_locale())
    form.region.choices = [SelectChoice("", _l("Choose a region"))] + [
        SelectChoice(r.code, tenant.text(r.name, locale)) for r in tenant.config.regions
    ]
    business = _l("for organisations")
    tariffs = [
        SelectChoice(
            t.code, tenant.text(t.name, locale) + (f" ({business})" if t.kind == "business" else "")
        )
        for t in tenant.config.catalogue.tariffs
    ]
    for entry in form.points:
        entry.form.tariff.choices = [SelectChoice("", _l("Choose a tariff")), *tariffs]


def _contract_page(form: NewContractForm, status: int = 200):
    _choices(form)
    page = render_template(
        "staff/provision/new.html",
        form=form,
        business=checks.has_business(g.tenant),
        regions=bool(g.tenant.config.regions),
        asks_login=checks.asks_login(g.tenant),
        max_points=checks.MAX_POINTS,
        errors=_errors(form),
    )
    return page, status


def _errors(form: NewContractForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every field with an error, points included."""
    found = []
    for f in form:
        if f.name == "points":
            for entry in f:
                found += [(s.id, s.label.text, " ".join(s.errors)) for s in entry.form if s.errors]
        elif f.errors and f.type != "CSRFTokenField":
            found.append((f.id, f.label.text, " ".join(map(str, f.errors))))
    return found


def _attach(form: NewContractForm, problems: list[checks.Problem]) -> None:
    for problem in problems:
        if problem.field.startswith("points-"):
            _points, n, name = problem.field.split("-")
            target = form.points.entries[int(n)].form[name]
        else:
            target = form[problem.field]
        target.errors = [*target.errors, problem.message]


@bp.route("/provision/")
@requires(Permission.PROVISION)
def new_contract():
    return _contract_page(NewContractForm())


@bp.route("/provision/", methods=["POST"])
@requires(Permission.PROVISION)
def create_contract():
    form = NewContractForm()
    if "add_point" in request.form and len(form.points) < checks.MAX_POINTS:
        form.points.append_entry()
        return _contract_page(form)
    valid = form.validate_on_submit()
    new = form.new_contract()
    if not new.contract:
        new.contract = checks.next_number(g.tenant, Contract)
    if not new.account:
        new.account = checks.next_number(g.tenant, Account)
    problems = checks.check(g.tenant, new)
    if not valid or problems:
        _attach(form, problems)
        return _contract_page(form, 422)
    created = provision.create(g.tenant, new, _profile(), source="form")
    identifier = g.tenant.config.login.identifiers[0]
    return render_template(
        "staff/provision/created.html",
        created=created,
        new=new,
        login_label=g.tenant.text(identifier.label, str(get_locale())),
    )


@bp.route("/provision/import")
@requires(Permission.PROVISION)
def import_page(form: ImportForm | None = None, error: str | None = None, status: int = 200):
    page = render_template(
        "staff/provision/import.html",
        form=form or ImportForm(),
        columns=csv_import.COLUMNS,
        jobs=import_run.recent(g.tenant),
        error=error,
    )
    return page, status


@bp.route("/provision/import", methods=["POST"])
@requires(Permission.PROVISION)
def upload_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return import_page(form, status=422)
    upload = form.file.data
    try:
        job = csv_import.dry_run(
            g.tenant, g.staff.account_id, upload.filename or "import.csv", upload.read()
        )
    except csv_import.FileRefused as refused:
        form.file.errors = [str(refused.args[0])]
        return import_page(form, status=422)
    audit.record(
        g.tenant.slug,
        "provisioning.import_checked",
        target=f"import:{job.id}",
        after={"file": job.filename, "lines": job.lines, "valid": job.total},
    )
    return redirect(url_for("staff.import_job", job_id=job.id), 303)


def _job(job_id: int):
    job = import_run.job_of(g.tenant, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/provision/imports/<int:job_id>")
@requires(Permission.PROVISION)
def import_job(job_id: int):
    job = _job(job_id)
    return render_template(
        "staff/provision/job.html",
        job=job,
        progress=import_run.progress(job),
        report=csv_import.report(job),
        may_import=may(Permission.PROVISION, changing=True),
    )


@bp.route("/provision/imports/<int:job_id>/progress")
@requires(Permission.PROVISION)
def import_progress(job_id: int):
    # Only reads: the chunks are taken by the POSTs below (and `flask staff import-run`).
    return jsonify(import_run.progress(_job(job_id)))


def _take_chunk(job) -> None:
    """Create the job's next chunk, recorded in the trail with what it took."""
    taken = import_run.step(g.tenant, job, _profile())
    if taken:
        audit.record(
            g.tenant.slug,
            "provisioning.import_continued",
            target=f"import:{job.id}",
            after={"done": job.done, "total": job.total, "created": job.created},
        )


@bp.route("/provision/imports/<int:job_id>/start", methods=["POST"])
@requires(Permission.PROVISION)
def start_import(job_id: int):
    job = _job(job_id)
    if import_run.start(g.tenant, job):
        audit.record(
            g.tenant.slug,
            "provisioning.import_started",
            target=f"import:{job.id}",
            after={"rows": job.total},
        )
        # The first chunk at once: a small file is done by the time its page shows.
        _take_chunk(job)
    return redirect(url_for("staff.import_job", job_id=job.id), 303)


@bp.route("/provision/imports/<int:job_id>/continue", methods=["POST"])
@requires(Permission.PROVISION)
def continue_import(job_id: int):
    """Take the next chunk: posted by the page's script (JSON back) or its button."""
    job = _job(job_id)
    _take_chunk(job)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(import_run.progress(job))
    return redirect(url_for("staff.import_job", job_id=job.id), 303)


@bp.route("/provision/progress.js")
@requires(Permission.PROVISION)
def progress_script():
    return send_from_directory(STATIC, "provision-progress.js", mimetype="text/javascript")
