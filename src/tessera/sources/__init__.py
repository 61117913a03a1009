"""Readers for input formats, one module each, turning files into core-dataset rows."""
