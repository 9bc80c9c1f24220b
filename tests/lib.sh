# shared shell helpers for script tests
