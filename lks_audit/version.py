"""The package's version, in a module of its own: every module that prints or records it imports it from here, so
none imports the package itself (whose ``open_audit`` leads to the DPO's notebook API and back)."""

__version__ = "0.1.0"
