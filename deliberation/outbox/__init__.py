"""The outbox: e-mails and host events decided in a transaction, written in that transaction and
delivered after it commits, by whichever process runs next. See ``delivery``."""
