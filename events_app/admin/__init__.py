"""The back office's access layer: users and roles, passwords, sign-in sessions, the sign-in
throttle, the guard every admin view uses. (The audit log is events_app.audit.)"""
