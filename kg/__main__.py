"""`python -m kg` is the same as the `kg` command."""

from kg.launch import console

console()
