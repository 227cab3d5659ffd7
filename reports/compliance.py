"""The two ratios of the directive, computed by SQL aggregates and stored as monthly snapshots.

E (electronic exchange): documents exchanged and processed electronically ÷ all documents
exchanged in the month, counted for the document's recorded department and officer (lead
department/officer of an incoming document by arrival date, drafting department/drafter of an
outgoing or internal one by issue date). Confidential documents are left out (and counted
beside it) unless COMPLIANCE_EXCLUDE_CONFIDENTIAL is off.

H (electronic dossiers): dossiers in electronic form ÷ all dossiers opened in the month, for the
officer who keeps them and the department that formed them.

Each metric is one statement: the ORM's GROUP BY (department, officer) over the month's rows,
summed into officer, department-with-its-units and agency figures and upserted into the
snapshots. The whole month is replaced in one transaction: running it twice does no harm.

A closed month (reports/months.py) is never rewritten here: the refresh's statement writes
its differences from the frozen figures instead (the candidate), which the Office accepts or
discards.
"""

import datetime
import functools

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from documents.choices import Confidentiality, Form
from documents.models import Document
from recordsportal.models import Department

from .models import CandidateSnapshot, Metric, ReportMonth, Snapshot, month_start, next_month


def exclude_confidential() -> bool:
    return getattr(settings, "COMPLIANCE_EXCLUDE_CONFIDENTIAL", True)


def documents_counted_for_e(start: datetime.date, end: datetime.date):
    """The rows E counts in [start, end): every registered, not deleted document of the period."""
    return Document.objects.filter(register_date__gte=start, register_date__lt=end)


def _count(**filter_) -> Cast:
    """COUNT as an integer: the scopes' SUMs over it are then bigint sums, not the numeric sums of
    bigint COUNTs (a month's ~2,000 grouped rows are summed three ways; issue 16). A month's
    count per department and officer is far below 2^31."""
    return Cast(Count("id", **filter_), IntegerField())


def e_grouped_rows(start, end):
    counted = Q(confidentiality=Confidentiality.NORMAL) if exclude_confidential() else Q()
    return documents_counted_for_e(start, end).values("department_id", "officer_id").annotate(
        numerator=_count(filter=counted & Q(form=Form.ELECTRONIC)),
        denominator=_count(filter=counted) if exclude_confidential() else _count(),
        excluded=_count(filter=~counted) if exclude_confidential() else Value(0),
    ).order_by()


def h_grouped_rows(start, end):
    """Dossiers opened in [start, end) (not in the trash), grouped the same way."""
    from dossiers.models import Dossier

    return Dossier.objects.filter(opened_on__gte=start, opened_on__lt=end).values("department_id", "officer_id").annotate(
        numerator=_count(filter=Q(form=Form.ELECTRONIC)),
        denominator=_count(),
        excluded=Value(0),
    ).order_by()


# A month's grouped rows are the same SQL whatever the month; only the two dates differ. The ORM
# compiles each metric's once per process (and setting), with placeholder dates swapped for the
# month's: compiling both for every month took ~3 ms of a month's ~40 (issue 16).
_FIRST, _NEXT = datetime.date(1, 1, 1), datetime.date(1, 2, 1)  # never a month of the portal


@functools.lru_cache(maxsize=8)
def _grouped_sql(vendor: str, exclude: bool) -> tuple[tuple[str, str, tuple], ...]:
    # The arguments are the cache's key: what the compiled SQL depends on besides the code.
    compiled = []
    for metric, rows in ((Metric.ELECTRONIC_EXCHANGE, e_grouped_rows(_FIRST, _NEXT)),
                         (Metric.ELECTRONIC_DOSSIERS, h_grouped_rows(_FIRST, _NEXT))):
        sql, params = rows.query.sql_with_params()
        compiled.append((metric, sql, tuple(params)))
    return tuple(compiled)


def grouped_statements(start: datetime.date, end: datetime.date) -> list[tuple[str, str, list]]:
    """(metric, SQL, parameters) of each metric's grouped rows for [start, end): the statements
    of `e_grouped_rows` and `h_grouped_rows`, compiled once."""
    adapt = connection.ops.adapt_datefield_value
    dates = {adapt(_FIRST): adapt(start), adapt(_NEXT): adapt(end)}
    return [(metric, sql, [dates.get(param, param) if isinstance(param, (str, datetime.date)) else param
                           for param in params])
            for metric, sql, params in _grouped_sql(connection.vendor, exclude_confidential())]


# The grouped rows (one per department and officer) are summed into the three kinds of scope in
# one statement: the documents are read once, by the GROUP BY the ORM wrote. A department's
# figures include its units: a grouped row counts for its department and every department above
# it (`ancestry`, walked up the parent links: a few hundred pairs). Each officer's rows are summed
# once (`per_officer`), which also tells which officers were counted for several departments. The
# result is a few thousand rows: inserted straight into the snapshots the first time a month is computed, otherwise
# upserted where they changed, the stale ones deleted.
SCOPED_CTES = """
WITH RECURSIVE ancestry (department_id, ancestor_id) AS (
    SELECT id, id FROM {department}
    UNION ALL
    SELECT ancestry.department_id, up.parent_id
      FROM ancestry JOIN {department} up ON up.id = ancestry.ancestor_id
     WHERE up.parent_id IS NOT NULL
),
grouped AS ({grouped}),
per_officer AS (
SELECT officer_id, COUNT(*) AS departments, MIN(department_id) AS department_id,
       SUM(numerator) AS numerator, SUM(denominator) AS denominator, SUM(excluded) AS excluded
  FROM grouped
 WHERE officer_id IS NOT NULL
 GROUP BY officer_id
),
scoped AS (
SELECT 'agency' AS scope, 'agency' AS scope_key, CAST(NULL AS bigint) AS department_id,
       CAST(NULL AS bigint) AS officer_id,
       SUM(numerator) AS numerator, SUM(denominator) AS denominator, SUM(excluded) AS excluded
  FROM grouped
HAVING SUM(denominator) + SUM(excluded) > 0
UNION ALL
SELECT 'department', 'department:' || a.ancestor_id, a.ancestor_id, CAST(NULL AS bigint),
       SUM(g.numerator), SUM(g.denominator), SUM(g.excluded)
  FROM grouped g
  JOIN ancestry a ON a.department_id = g.department_id
 GROUP BY a.ancestor_id
UNION ALL
SELECT 'officer', 'officer:' || officer_id, CASE WHEN departments = 1 THEN department_id END, officer_id,
       numerator, denominator, excluded
  FROM per_officer
UNION ALL
SELECT 'dept_officer', 'dept_officer:' || COALESCE(CAST(g.department_id AS text), '-') || ':'
       || COALESCE(CAST(g.officer_id AS text), '-'), g.department_id, g.officer_id,
       g.numerator, g.denominator, g.excluded
  FROM grouped g
 WHERE g.department_id IS NOT NULL
   AND (g.officer_id IS NULL OR g.officer_id IN (SELECT officer_id FROM per_officer WHERE departments > 1))
)
"""
# A month with no rows yet for the metric: one plain INSERT, no
# comparison with rows that cannot exist (issue 16: the first computation cost 3.4x the raw
# aggregate). The
# month's ReportMonth row, locked by compute_month's first statement, keeps two computations of
# the same month from racing here.
SNAPSHOT_COLUMNS = "month, metric, scope, scope_key, department_id, officer_id, numerator, denominator, excluded, computed_at"
INSERT_INTO = "INSERT INTO {target} (" + SNAPSHOT_COLUMNS + ")\n"
INSERT_NEW = INSERT_INTO + SCOPED_CTES + """
SELECT %s, %s, scope, scope_key, department_id, officer_id, numerator, denominator, excluded, %s FROM scoped
"""
# The drill-down by the department recorded at the time (reports/querysets.py `drill_down`): an
# officer's row carries the department their records of the month were counted for when there is
# one; an officer counted for several departments in the month (moved, or lent to a unit), and a
# department's records with no officer, get one 'dept_officer' row per department. So the officer
# rows of a department add up to its figure without a row per officer and department every month.
# A refresh (the month has rows for the metric): one upsert of the scopes whose figures changed
# (an upsert locks and checks every row it is given, so the unchanged ones are left out: a
# nightly refresh of a settled month costs little more than reading it), in the same statement
# as the scopes that had figures before and have none now (documents moved or deleted): those
# are marked STALE, then deleted (NOT IN: a hashed subplan whatever the statistics say; a month
# computed a moment ago is estimated empty, and NOT EXISTS then became a nested loop over the
# figures: 0.9 s). No temporary table (issue 16: creating, filling and dropping
# one per metric cost as much as the aggregate itself).
STALE = "stale"
# The scopes whose figures differ from those of the month and metric in {compared} (changed or
# new, with their figures), and {compared}'s scopes that have none now (marked STALE): what a
# refresh upserts into the snapshots and what a closed month's recomputation writes as its
# candidate. Parameters: `_changes_params`.
CHANGED_SCOPES = SCOPED_CTES + """
SELECT %s, %s, s.scope, s.scope_key, s.department_id, s.officer_id, s.numerator, s.denominator, s.excluded, %s
  FROM scoped s
 WHERE NOT EXISTS (
       SELECT 1 FROM {compared} t
        WHERE t.month = %s AND t.metric = %s AND t.scope_key = s.scope_key
          AND t.numerator = s.numerator AND t.denominator = s.denominator AND t.excluded = s.excluded)
UNION ALL
SELECT t.month, t.metric, '""" + STALE + """', t.scope_key, t.department_id, t.officer_id, 0, 0, 0, %s
  FROM {compared} t
 WHERE t.month = %s AND t.metric = %s AND t.scope_key NOT IN (SELECT scope_key FROM scoped)
"""
UPSERT = INSERT_INTO + CHANGED_SCOPES + """ON CONFLICT (month, metric, scope_key) DO UPDATE SET
    scope = excluded.scope, numerator = excluded.numerator, denominator = excluded.denominator,
    excluded = excluded.excluded, computed_at = excluded.computed_at
"""


def _changes_params(grouped_params, month_value, metric, now) -> list:
    """The parameters of CHANGED_SCOPES (and of the statements built on it)."""
    return [*grouped_params, month_value, metric, now, month_value, metric, now, month_value, metric]


# Once for both metrics, and only after an upsert that wrote something (a settled month's nightly
# refresh writes nothing: no delete, no recount; issue 16).
DELETE_STALE = "DELETE FROM {snapshot} WHERE month = %s AND scope = '" + STALE + "'"


# A closed month (reports/months.py): the candidate is the diff itself. Per metric, the scopes
# whose recomputed figures differ from the frozen ones (changed, or new: with their new figures)
# and the frozen scopes that have no figures any more (marked STALE) are written to the candidate
# table, in the refresh's statement; a settled month writes nothing, and there is nothing to
# review. (Issue 16: a whole candidate computed into a temporary table, compared there and copied
# when it differed cost 2.0x the raw aggregate unchanged and 3.7x with one record changed, most of
# it creating, filling and writing 4,341 rows; the diff of one record is a handful of rows.)
CANDIDATE_CHANGES = INSERT_INTO + CHANGED_SCOPES
# The scopes of the recomputed month per metric: the frozen ones, plus the candidate's new scopes,
# less its stale ones (a few rows read, not the month recounted).
CANDIDATE_SCOPES = """
SELECT metric, SUM(n) FROM (
    SELECT metric, COUNT(*) AS n FROM {frozen} WHERE month = %s GROUP BY metric
    UNION ALL
    SELECT c.metric, SUM(CASE WHEN c.scope = '""" + STALE + """' THEN -1
                              WHEN EXISTS (SELECT 1 FROM {frozen} t WHERE t.month = c.month AND t.metric = c.metric
                                                                     AND t.scope_key = c.scope_key) THEN 0
                              ELSE 1 END)
      FROM {candidate} c WHERE c.month = %s GROUP BY c.metric
) counted GROUP BY metric
"""


def _compute_candidate(cursor, start, end, month_value, now, computed_at) -> dict[str, int]:
    """A closed month's recomputation: its differences from the frozen figures become the pending
    candidate (replacing any earlier one); none, and nothing is pending."""
    tables = {"candidate": CandidateSnapshot._meta.db_table, "department": Department._meta.db_table,
              "frozen": Snapshot._meta.db_table}
    cursor.execute(f"DELETE FROM {tables['candidate']} WHERE month = %s", [month_value])  # nosec B608
    for metric, grouped_sql, grouped_params in grouped_statements(start, end):
        cursor.execute(CANDIDATE_CHANGES.format(grouped=grouped_sql, target=tables["candidate"], compared=tables["frozen"],
                                                department=tables["department"]),
                       _changes_params(grouped_params, month_value, metric, now))
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {tables['candidate']} WHERE month = %s)", [month_value])  # nosec B608
    differs = bool(cursor.fetchone()[0])
    ReportMonth.objects.filter(month=start).update(candidate_at=computed_at if differs else None)
    written = {metric: 0 for metric in (Metric.ELECTRONIC_EXCHANGE, Metric.ELECTRONIC_DOSSIERS)}
    cursor.execute(CANDIDATE_SCOPES.format(**tables), [month_value, month_value])
    written.update((metric, int(n)) for metric, n in cursor.fetchall())
    return written


# The month's "as of" time, set unless the month is closed; a row comes back only if it was set
# (an open month), so the state is read and written in one statement (SQLite ≥ 3.35, PostgreSQL).
MONTH_COMPUTED = """
INSERT INTO {table} (month, computed_at) VALUES (%s, %s)
ON CONFLICT (month) DO UPDATE SET computed_at = excluded.computed_at WHERE {table}.closed_at IS NULL
RETURNING id
"""


@transaction.atomic
def compute_month(month: datetime.date) -> dict[str, int]:
    """Recompute every snapshot of one month; returns the number of scopes per metric. For a
    closed month the figures go to the candidate table, only if they differ from the frozen
    snapshots, which stay as they are (`_compute_candidate`)."""
    start = month_start(month)
    end = next_month(start)
    computed_at = timezone.now()
    ops = connection.ops  # parameters as the ORM would store them (SQLite keeps text)
    month_value, now = ops.adapt_datefield_value(start), ops.adapt_datetimefield_value(computed_at)
    with connection.cursor() as cursor:
        cursor.execute(MONTH_COMPUTED.format(table=ReportMonth._meta.db_table), [month_value, now])
        closed = cursor.fetchone() is None
    if closed:
        with connection.cursor() as cursor:
            return _compute_candidate(cursor, start, end, month_value, now, computed_at)
    tables = {"snapshot": Snapshot._meta.db_table, "department": Department._meta.db_table}
    with connection.cursor() as cursor:
        # The scopes this month already has per metric (figures to compare with, stale rows to drop).
        cursor.execute(f"SELECT metric, COUNT(*) FROM {tables['snapshot']} WHERE month = %s GROUP BY metric",  # nosec B608
                       [month_value])
        written = dict(cursor.fetchall())
        upserted = False
        for metric, grouped_sql, grouped_params in grouped_statements(start, end):
            if metric not in written:
                cursor.execute(INSERT_NEW.format(grouped=grouped_sql, target=tables["snapshot"], **tables),
                               [*grouped_params, month_value, metric, now])
                written[metric] = cursor.rowcount
                continue
            cursor.execute(UPSERT.format(grouped=grouped_sql, target=tables["snapshot"], compared=tables["snapshot"], **tables),
                           _changes_params(grouped_params, month_value, metric, now))
            upserted = upserted or cursor.rowcount != 0  # rows changed or marked stale (-1: unknown)
        if upserted:
            cursor.execute(DELETE_STALE.format(**tables), [month_value])
            # The scopes the refresh left: counted once for both metrics.
            cursor.execute(f"SELECT metric, COUNT(*) FROM {tables['snapshot']} WHERE month = %s GROUP BY metric",  # nosec B608
                           [month_value])
            written = dict.fromkeys(written, 0) | dict(cursor.fetchall())
    return written


def months_between(first: datetime.date, last: datetime.date):
    month = month_start(first)
    while month <= month_start(last):
        yield month
        month = next_month(month)
