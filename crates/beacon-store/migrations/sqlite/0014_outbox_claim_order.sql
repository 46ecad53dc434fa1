-- Claims take due messages of a channel in id order, status by status: this index lets
-- each such query walk the rows in order and stop after a batch, instead of reading the
-- whole channel and sorting it on every claim (which made a 100,000-message campaign's
-- claims cost over 10 ms each).
CREATE INDEX outbox_messages_claim ON outbox_messages (channel, status, id);
