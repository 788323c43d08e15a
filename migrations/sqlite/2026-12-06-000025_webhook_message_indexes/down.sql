CREATE INDEX webhook_messages_by_created ON webhook_messages (created_at);
