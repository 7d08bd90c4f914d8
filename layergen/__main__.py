from layergen.cli import app

app(prog_name="layergen")
