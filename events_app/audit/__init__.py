"""The audit trail: who changed what in the back office, written by the services that make
the change (in the same transaction), read by the back office's audit page."""
