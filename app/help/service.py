"""Help requests as the rest of the portal reaches them: the subscriber's thread
(threads.py) and what the ISP's staff do with requests, callbacks and visits (desk.py)."""

from .attachment_checks import Problem, checked_files, checked_text, kinds_text  # noqa: F401
from .desk import (  # noqa: F401
    MAX_REASON,
    PAGE_SIZE,
    Appointment,
    Page,
    appointment,
    assign,
    attachment_of_tenant,
    cancel,
    day_of,
    mark_done,
    request_by_number,
    requests_page,
    reschedule,
    subject_choices,
    times_for,
    today,
)
from .models import RequestKind, RequestStatus  # noqa: F401
from .threads import (  # noqa: F401
    MEGABYTE,
    Refused,
    Upload,
    allowed_kinds,
    attachment_of,
    close,
    discard_files,
    enabled,
    largest_body,
    max_bytes,
    next_number,
    open_request,
    parse_number,
    queue,
    reopen,
    reply,
    request_of,
    requests_of,
    rules,
    set_status,
    staff_reply,
    stored_files,
    subject,
)
from .trail import record  # noqa: F401
from .visits import Full, TooLate  # noqa: F401
