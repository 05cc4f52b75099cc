"""The account pages, one module per page family; accounts/urls.py gathers their URLs."""
