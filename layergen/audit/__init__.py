"""`layergen audit` and `layergen adopt`: the hand-written layers a project already has.

`audit` finds their mistakes, statically (`static.py`: what the source shows) and by running
the layer contract on the class in a fresh process (`runner.py` starts `probe.py`, which is
the only part that imports Keras). `adopt` writes a spec from a class (`adopt.py`, through
`translate.py`), records the file for the three-way merge and writes a parity test
(`parity.py`). Findings are `FILE:LINE: check-name: what is wrong; how to fix it`.
"""
