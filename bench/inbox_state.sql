-- Work waiting in the inboxes of a COPY of the bench database (issue 15), never of rp_bench itself:
--   createdb -T rp_bench rp_<you>_bench  (CREATE DATABASE ... TEMPLATE rp_bench STRATEGY FILE_COPY)
--   psql -d rp_<you>_bench -f bench/inbox_state.sql
-- The generator (bench/generate.py) predates the handling chain: its 1,162 submitted documents
-- have no submission time, every assigned document has an officer, and there are no receipts of
-- internal documents nor notifications. This gives them the state a year of the chain leaves.
\set ON_ERROR_STOP on
DO $$ BEGIN
  IF current_database() = 'rp_bench' THEN RAISE EXCEPTION 'refusing to write into rp_bench: run on a copy'; END IF;
END $$;
BEGIN;
-- Leadership inbox: submitted over the last 30 days; every third to a leader by name.
WITH leaders AS (
  SELECT u.id, row_number() OVER (ORDER BY u.id) AS rn, count(*) OVER () AS n
  FROM recordsportal_user u JOIN recordsportal_user_groups ug ON ug.user_id = u.id
  JOIN auth_group g ON g.id = ug.group_id WHERE g.name = 'leadership')
UPDATE documents_document d SET submitted_at = now() - (d.id % 30) * interval '1 day',
  submitted_to_id = CASE WHEN d.id % 3 = 0 THEN (SELECT id FROM leaders WHERE rn = 1 + d.id % leaders.n LIMIT 1) END
FROM leaders WHERE d.status = 'submitted' AND leaders.rn = 1;
-- Department inboxes: 2,000 of the open incoming documents given to a department, no officer yet.
UPDATE documents_document SET officer_id = NULL, dispatched_at = NULL, dispatched_by_id = NULL,
  leadership_deadline = deadline,
  assigned_by_id = (SELECT u.id FROM recordsportal_user u JOIN recordsportal_user_groups ug ON ug.user_id = u.id
                    JOIN auth_group g ON g.id = ug.group_id WHERE g.name = 'leadership' ORDER BY u.id LIMIT 1)
WHERE id IN (SELECT id FROM documents_document WHERE status = 'assigned' AND direction = 'incoming'
             AND NOT is_deleted ORDER BY id DESC LIMIT 2000);
-- Receipts of internal documents by their recipient departments: the last 60,000; 3 % waiting,
-- 2 % acknowledged, 5 % with an officer of the department, the rest done.
INSERT INTO documents_receipt (status, deadline, note, return_reason, created_at, department_id, document_id, officer_id,
                               acknowledged_at, dispatched_at, completed_at)
SELECT CASE WHEN r.document_id % 100 < 3 THEN 'received' WHEN r.document_id % 100 < 5 THEN 'acknowledged'
            WHEN r.document_id % 100 < 10 THEN 'assigned' ELSE 'done' END,
       d.register_date + 15, '', '', d.created_at, r.department_id, r.document_id,
       CASE WHEN r.document_id % 100 >= 5 THEN (SELECT u.id FROM recordsportal_user u WHERE u.department_id = r.department_id
                                                 AND u.is_active ORDER BY u.id LIMIT 1) END,
       CASE WHEN r.document_id % 100 >= 3 THEN d.created_at END,
       CASE WHEN r.document_id % 100 >= 5 THEN d.created_at END,
       CASE WHEN r.document_id % 100 >= 10 THEN d.created_at END
FROM documents_document_recipient_departments r JOIN documents_document d ON d.id = r.document_id
WHERE d.direction = 'internal' AND r.department_id IS NOT NULL
ORDER BY r.document_id DESC LIMIT 60000;
-- Notifications: 100 per person over the last 100 days, the last 5 unread, all e-mailed.
INSERT INTO notifications_notification (recipient_id, kind, key, title, body, url, created_at, read_at, emailed_at)
SELECT u.id, 'assigned', 'bench:' || g, 'Bạn được giao xử lý văn bản đến số ' || g || '/2026', '', '/documents/' || (1 + g) || '/',
       now() - g * interval '1 day', CASE WHEN g >= 5 THEN now() END, now() - g * interval '1 day'
FROM recordsportal_user u CROSS JOIN generate_series(0, 99) g;
COMMIT;
ANALYZE documents_document; ANALYZE documents_receipt; ANALYZE notifications_notification;
