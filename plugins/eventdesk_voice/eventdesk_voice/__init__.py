from eventdesk.hookspecs import hookimpl  # noqa: F401
