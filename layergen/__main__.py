from layergen.cli.main import main

main()
