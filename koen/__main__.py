from koen.cli import main

main()
