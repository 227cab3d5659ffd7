"""Write rules for file plans, dossiers, archive submission and retention: one function per
business action, keyword-only, in one transaction, refusing with a Vietnamese DomainError.

State changes are conditional UPDATEs (`filter(pk=…, status=OPEN).update(…)` and a check that
one row changed), so two people clicking at once cannot both close, submit or receive. Every
change writes an audit row (django-simple-history) naming `acting_user`.

One module per subject; callers use `from dossiers import services` and the names below.
"""

from .plans import (  # noqa: F401
    file_plan_create,
    file_plan_heading_add,
    file_plan_entry_add,
    file_plan_entry_update,
    file_plan_entry_delete,
    file_plan_entry_delete_problems,
    file_plan_heading_update,
    file_plan_heading_delete,
    file_plan_heading_delete_problems,
    file_plan_copy,
    file_plan_import,
    file_plan_import_rows,
    file_plan_import_start,
    file_plan_import_run,
    file_plan_import_requeue,
)
from .dossiers import (  # noqa: F401
    dossier_open,
    dossier_update,
    derive_form,
    dossier_refresh_form,
    dossier_add_document,
    dossier_add_file,
    dossier_add_paper_item,
    dossier_remove_item,
    dossier_reorder,
    dossier_move_item,
    dossier_close,
    dossier_reopen,
    dossiers_hand_over,
    dossier_delete,
    dossier_restore,
    due_dates_recompute,
)
from .archive import (  # noqa: F401
    archive_batch_create,
    archive_batch_add,
    archive_batch_remove,
    archive_batch_submit,
    archive_batch_receive,
    archive_batch_return,
)
from .retention import (  # noqa: F401
    retention_list_create,
    retention_line_add,
    retention_line_remove,
    retention_list_submit,
    retention_line_decide,
)
from .notices import (  # noqa: F401
    due_notices_send,
)
from recordsportal.services import DomainError, EditConflict  # noqa: F401  (callers catch services.DomainError)
