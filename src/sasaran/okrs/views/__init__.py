"""The OKR pages, one module per page family; okrs/urls.py gathers their URLs."""
