"""Server-rendered pages (htmx): sign-in and the OKR pages."""
