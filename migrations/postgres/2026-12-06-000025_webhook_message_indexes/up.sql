-- A webhook message is written in the transaction of the change it tells
-- about: every index it has is paid by that write. The one on created_at
-- served only the daily purge, which now goes endpoint by endpoint through
-- webhook_messages_by_endpoint (endpoint_id, created_at).
DROP INDEX webhook_messages_by_created;
