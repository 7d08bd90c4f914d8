from layergen.entry import main

main()
