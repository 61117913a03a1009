"""The reporting service on the web: GOV.UK pages for people and a JSON API for systems.

Thin views over `tessera.casework`: a route parses the request, calls one casework service
and renders a template (or JSON). `app.py` holds the app and its route table.
"""
