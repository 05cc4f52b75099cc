"""Date formats that override Django's per-language defaults (settings.FORMAT_MODULE_PATH)."""
