"""The public JSON API, v1: read the course, practise, read progress (docs/api.md)."""
