"""What tests share, kept apart from the tests themselves so that no test module imports
another: settings and the clock's start (`settings`), a fast password hasher (`passwords`),
a scratch Redis database per xdist worker (`redis`), and audit-log readers (`audit`).
Data builders stay in tests/factories.py."""
