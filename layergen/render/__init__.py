"""Step 4 of the pipeline: the render model in, Python source out (not yet formatted).

`model` holds the values the templates need; `renderer` runs the Jinja templates beside
it (`templates/`, or the project's override folder) and parses the result, so that a
template bug names its template; `pycode` writes the Python fragments the templates call.
"""
